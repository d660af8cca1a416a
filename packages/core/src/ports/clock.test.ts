import { ManualClock } from "../embedded/manual-clock";
import { describeClockContract } from "../testing/clock-contract";
import { systemClock } from "./clock";

describeClockContract("system clock", () => ({
  clock: systemClock,
  tick: () => new Promise((resolve) => setTimeout(resolve, 5)),
}));

describeClockContract("manual clock", () => {
  const clock = new ManualClock(Date.parse("2026-01-05T14:30:00Z"));
  return { clock, tick: async () => clock.advance(1) };
});
