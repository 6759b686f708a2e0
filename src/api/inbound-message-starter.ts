import type { WorkflowClient } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { REPLY_ATTRIBUTION_WINDOW_MS, markInboundStarted, unstartedInbound } from '../db/inbound-message-repository.js';
import type { LoggedInbound } from '../db/inbound-message-repository.js';
import type { inboundMessageWorkflow } from '../workflows/inbound-message-workflow.js';

/** Tunables of {@link InboundMessageStarter}. */
export interface InboundMessageStarterOptions {
  /** How long a multi-part MO waits for missing parts, ms; default 60,000. */
  concatWaitMs?: number;
  /** Reply attribution window, ms; default 7 days. */
  attributionWindowMs?: number;
  /** How often the log is swept for MOs whose workflow never started, ms; default 5,000. */
  sweepIntervalMs?: number;
  /** MOs younger than this are left to the direct path by the sweeper, ms; default 3,000. */
  sweepMinAgeMs?: number;
}

/**
 * Starts one `inboundMessage` workflow per logged MO (DESIGN.md "Webhooks: persist, answer, signal"):
 * the webhook commits the MO, answers 2xx, then hands it here. A single-part MO starts
 * `inbound/<connection>/<provider id>` with REJECT_DUPLICATE, so a second start of a finished one is
 * refused; a part of a concatenated MO signal-with-starts its group's workflow (`inboundPartArrived`
 * wakes it while it waits for the other parts). `workflow_started_at` is stamped once Temporal has it; a
 * sweeper starts whatever is still unstamped (API crash between answer and start, Temporal down), so an
 * MO that got a 2xx is never lost, as the DLR sweeper does for receipts.
 */
export class InboundMessageStarter {
  private sweepTimer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  /** Started workflows and failed attempts, for tests and logs. */
  readonly metrics = { started: 0, duplicates: 0, errors: 0 };

  constructor(
    private readonly db: Db,
    private readonly temporal: WorkflowClient,
    private readonly taskQueue: string,
    private readonly logger: Logger,
    private readonly options: InboundMessageStarterOptions = {},
  ) {}

  /** Starts the sweeper. */
  start(): void {
    this.sweepTimer = setInterval(() => void this.track(this.sweep().then(() => undefined)), this.options.sweepIntervalMs ?? 5_000);
  }

  /** Stops the sweeper and waits for starts in flight. */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await Promise.all([...this.inFlight]);
  }

  /** Starts workflows for committed MOs, after the current response is written. Never throws. */
  enqueue(rows: LoggedInbound[]): void {
    if (rows.length === 0) return;
    this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.startAll(rows)));
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Starts what the log holds unstarted (older than sweepMinAgeMs). Never throws. @returns how many were found. */
  async sweep(): Promise<number> {
    try {
      const rows = await unstartedInbound(this.db, this.options.sweepMinAgeMs ?? 3_000, 500);
      await this.startAll(rows);
      return rows.length;
    } catch (err) {
      this.logger.error({ err }, 'inbound sweep failed');
      return 0;
    }
  }

  private async startAll(rows: LoggedInbound[]): Promise<void> {
    const started: string[] = [];
    for (const row of rows) {
      try {
        await this.startOne(row);
        started.push(row.id);
      } catch (err) {
        this.metrics.errors += 1;
        this.logger.warn({ err, workflowId: row.workflowId }, 'inboundMessage start failed; will retry from the log');
      }
    }
    try {
      await markInboundStarted(this.db, started);
    } catch (err) {
      this.logger.warn({ err }, 'could not stamp started MOs; the sweeper will start them again (deduplicated)');
    }
  }

  private async startOne(row: LoggedInbound): Promise<void> {
    const input = {
      accountId: row.accountId,
      connectionId: row.connectionId,
      inboundMessageId: row.id,
      ...(row.concat ? { concat: row.concat } : {}),
      concatWaitMs: this.options.concatWaitMs ?? 60_000,
      attributionWindowMs: this.options.attributionWindowMs ?? REPLY_ATTRIBUTION_WINDOW_MS,
    };
    if (row.concat) {
      await this.temporal.signalWithStart<typeof inboundMessageWorkflow, []>('inboundMessageWorkflow', {
        workflowId: row.workflowId,
        taskQueue: this.taskQueue,
        args: [input],
        signal: 'inboundPartArrived',
        signalArgs: [],
      });
      this.metrics.started += 1;
      return;
    }
    try {
      await this.temporal.start<typeof inboundMessageWorkflow>('inboundMessageWorkflow', {
        workflowId: row.workflowId,
        taskQueue: this.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      this.metrics.started += 1;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      this.metrics.duplicates += 1;
    }
  }
}
