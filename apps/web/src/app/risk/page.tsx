import { RiskDashboard } from "../../components/risk-dashboard";

export default function RiskPage() {
  return (
    <>
      <h1>Risk</h1>
      <RiskDashboard />
    </>
  );
}
