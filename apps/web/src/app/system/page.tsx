import { SystemStatus } from "../../components/system-status";

export default function SystemPage() {
  return (
    <>
      <h1>System</h1>
      <SystemStatus />
    </>
  );
}
