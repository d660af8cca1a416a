import { describeEventSpillContract } from "../testing/event-spill-contract";
import { MemoryEventSpill } from "./memory-event-spill";

describeEventSpillContract(
  "MemoryEventSpill",
  async () => ({ spill: new MemoryEventSpill(), cleanup: async () => {} }),
  { durable: false },
);
