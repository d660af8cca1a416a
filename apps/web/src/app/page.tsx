import { LiveDashboard } from "../components/live-dashboard";

export default function LivePage() {
  return (
    <>
      <h1>Live</h1>
      <LiveDashboard />
    </>
  );
}
