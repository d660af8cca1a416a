import { partitionMaintenanceJob } from "@tradeops/core";
import type { WorkerRole } from "./worker-role";

const hourMs = 60 * 60 * 1000;

/**
 * Keeps the time-partitioned tables ready for the coming days. Every replica schedules the job
 * each hour under the same job id, so the queue runs it once per hour however many replicas exist.
 */
export const maintenanceRole: WorkerRole = {
  name: "maintenance",
  description: "Database housekeeping: time partitions for the days ahead.",
  async start({ resources, database, logger }) {
    const worker = await resources.queue.work(partitionMaintenanceJob, async ({ payload }) => {
      const report = await database.ensurePartitions({ daysAhead: payload.daysAhead });
      logger.info({ job: partitionMaintenanceJob.name, ...report }, "partition maintenance done");
      return report;
    });
    const schedule = async () => {
      const bucket = Math.floor(resources.clock.now() / hourMs);
      try {
        await resources.queue.enqueue(partitionMaintenanceJob, { daysAhead: 7 }, { jobId: `partitions-${bucket}` });
      } catch (error) {
        logger.error({ err: error }, "could not schedule partition maintenance");
      }
    };
    await schedule();
    const timer = setInterval(schedule, hourMs / 4);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await worker.stop();
      },
    };
  },
};
