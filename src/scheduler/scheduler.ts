// Runs the jobs with node-cron in the configured time zone. A failing job is logged and tried
// again at its next time; it never stops the bot.
import { createTask, type ScheduledTask } from 'node-cron';
import { DateTime } from 'luxon';
import { safeError, type Logger } from '../core/logger.ts';
import type { Services } from '../core/services.ts';
import type { Job } from './jobs.ts';

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];

  constructor(
    private readonly jobs: Job[],
    private readonly services: Services,
    private readonly timezone: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      const task = createTask(job.cron, () => this.run(job), { name: job.name, timezone: this.timezone, noOverlap: true });
      task.start();
      task.unref();
      this.tasks.push(task);
    }
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks.length = 0;
  }

  /** Runs one job now (tests, operators). */
  async run(job: Job, now = new Date()): Promise<Record<string, number> | undefined> {
    try {
      if (job.oncePerDay && !(await this.claimDay(job, now))) {
        this.logger.info({ job: job.name }, 'job already ran today on another instance');
        return undefined;
      }
      const counts = await job.run(this.services, now);
      this.logger.info({ job: job.name, ...counts }, 'job done');
      return counts;
    } catch (error) {
      this.logger.error({ job: job.name, err: safeError(error) }, 'job failed');
      return undefined;
    }
  }

  /** H12: the day (in the configured zone) is this instance's to run the job, or another's. */
  private async claimDay(job: Job, now: Date): Promise<boolean> {
    const slot = DateTime.fromJSDate(now).setZone(this.timezone).toISODate()!;
    const { count } = await this.services.unitOfWork.store.jobRun.createMany({ data: [{ job: job.name, slot }], skipDuplicates: true });
    return count === 1;
  }

  /** When each job runs next, for the log at start-up. */
  nextRuns(): Record<string, Date | null> {
    return Object.fromEntries(this.tasks.map((task) => [task.name ?? task.id, task.getNextRun()]));
  }
}
