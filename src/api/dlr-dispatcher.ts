import type { WorkflowClient } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Logger } from 'pino';
import type { Db } from '../db/connection.js';
import { flushStates } from '../db/message-repository.js';
import { markSignalled, pendingDlrs, toDlrSignalEvent } from '../db/webhook-event-repository.js';
import type { PendingDlr } from '../db/webhook-event-repository.js';
import { applyMessageEvent } from '../domain/message-machine.js';
import { storedMessageState, toDlrEvent } from '../domain/dlr-event.js';
import type { FailureReason } from '../domain/message-status.js';
import { dlrEventsSignal } from '../workflows/send-batch-workflow.js';

/** Longest gap between two signals to one batch workflow, ms. */
export const MAX_SIGNAL_GAP_MS = 10_000;

/** Tunables of {@link DlrDispatcher}. */
export interface DlrDispatcherOptions {
  /** How long events are coalesced before one signal per workflow is sent, ms; default 1,000. */
  flushIntervalMs?: number;
  /** How often the log is swept for events that were never signalled, ms; default 5,000. */
  sweepIntervalMs?: number;
  /**
   * Whether this dispatcher sweeps the log at all; default true. The log is shared, so one sweeper
   * (the API's) covers events logged by every process; a worker's dispatcher (SMPP receipts) only
   * delivers what it logged itself.
   */
  sweep?: boolean;
  /** Events younger than this are left to the in-memory path by the sweeper, ms; default 3,000. */
  sweepMinAgeMs?: number;
  /** Signalled events whose state is still not persisted after this long are re-delivered, ms; default 60,000. */
  redeliverAfterMs?: number;
}

/**
 * Delivers logged DLRs to the batch workflows that own their messages (DESIGN.md "Webhooks:
 * persist, answer, signal"). Webhook handlers enqueue events only after they are committed to
 * `webhook_events` and the provider got its 2xx; the dispatcher coalesces them into one
 * `dlrEvents` signal per workflow per interval (a message must cost a fraction of a Temporal
 * action), then stamps `signalled_at`; the batch stamps `applied_at` when the resulting state is in
 * PostgreSQL. A sweeper re-sends anything still unsignalled from the log —
 * after an API crash, a signal error, or a DLR that arrived before its send was recorded — so a
 * callback that got a 2xx is never lost; and anything signalled but never applied (a batch that
 * closed right after accepting it) after `redeliverAfterMs`. A DLR for a batch that already finished (a late receipt)
 * is applied to the messages table directly with the same message machine.
 */
export class DlrDispatcher {
  private queue = new Map<string, PendingDlr>();
  private inFlight = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Signals sent and events delivered, for the benchmark's coalescing factor. */
  readonly metrics = { signals: 0, events: 0, appliedDirectly: 0, errors: 0 };

  constructor(
    private readonly db: Db,
    private readonly temporal: WorkflowClient,
    private readonly logger: Logger,
    private readonly options: DlrDispatcherOptions = {},
  ) {}

  /** Starts the coalescing and sweeping timers. */
  start(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 1_000);
    if (this.options.sweep !== false) this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? 5_000);
  }

  /** Stops the timers and delivers what is queued. */
  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.sweepTimer);
    await this.flush();
  }

  /** Queues committed events for delivery. */
  enqueue(events: PendingDlr[]): void {
    for (const e of events) if (!this.inFlight.has(e.id)) this.queue.set(e.id, e);
  }

  /** Sends one coalesced signal per workflow for everything queued. Never throws. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Picks up unsignalled events from the log (older than sweepMinAgeMs). Never throws. */
  async sweep(): Promise<number> {
    try {
      const pending = await pendingDlrs(this.db, this.options.sweepMinAgeMs ?? 3_000, 5_000, this.options.redeliverAfterMs ?? 60_000);
      this.enqueue(pending);
      await this.flush();
      return pending.length;
    } catch (err) {
      this.logger.error({ err }, 'DLR sweep failed');
      return 0;
    }
  }

  /**
   * Per workflow: when it may next be signalled and how many signals it got. The gap grows by one
   * flush interval per signal (at most {@link MAX_SIGNAL_GAP_MS}), so a batch whose receipts trickle
   * in over T seconds gets O(√T) signals instead of T: its history stays small at any load.
   */
  private pacing = new Map<string, { next: number; signals: number; last: number }>();

  private takeDue(now: number): PendingDlr[] {
    const due: PendingDlr[] = [];
    for (const [id, e] of this.queue) {
      const pace = e.workflowId ? this.pacing.get(e.workflowId) : undefined;
      if (pace && pace.next > now) continue;
      due.push(e);
      this.queue.delete(id);
    }
    return due;
  }

  private paced(workflowId: string, now: number): void {
    const interval = this.options.flushIntervalMs ?? 1_000;
    const pace = this.pacing.get(workflowId) ?? { next: 0, signals: 0, last: 0 };
    pace.signals += 1;
    pace.last = now;
    pace.next = now + Math.min(interval * pace.signals, MAX_SIGNAL_GAP_MS);
    this.pacing.set(workflowId, pace);
    if (this.pacing.size > 10_000) {
      for (const [id, p] of this.pacing) if (now - p.last > 10 * 60_000) this.pacing.delete(id);
    }
  }

  private async doFlush(): Promise<void> {
    if (this.queue.size === 0) return;
    // Coalescing and signal pacing run on real time: they shape load, not business decisions.
    // eslint-disable-next-line no-restricted-syntax
    const now = Date.now();
    const batch = this.takeDue(now);
    if (batch.length === 0) return;
    batch.forEach((e) => this.inFlight.add(e.id));
    const byWorkflow = new Map<string, PendingDlr[]>();
    for (const e of batch) {
      const list = byWorkflow.get(e.workflowId) ?? [];
      list.push(e);
      byWorkflow.set(e.workflowId, list);
    }
    await Promise.all(
      [...byWorkflow.entries()].map(async ([workflowId, events]) => {
        try {
          let applied = false;
          if (!workflowId) {
            await this.applyDirectly(events);
            applied = true;
          } else {
            try {
              await this.temporal.getHandle(workflowId).signal(dlrEventsSignal, {
                events: events.map((e) => toDlrSignalEvent(e.id, e.messageId, e.normalized)),
              });
              this.metrics.signals += 1;
              this.paced(workflowId, now);
              this.metrics.events += events.length;
            } catch (err) {
              if (!(err instanceof WorkflowNotFoundError)) throw err;
              await this.applyDirectly(events); // the batch already finished: a late receipt
              applied = true;
            }
          }
          await markSignalled(this.db, events.map((e) => e.id), applied);
        } catch (err) {
          // Left unsignalled in the log: the sweeper retries.
          this.metrics.errors += 1;
          this.logger.warn({ err, workflowId, events: events.length }, 'DLR signal failed; will retry from the log');
        } finally {
          events.forEach((e) => this.inFlight.delete(e.id));
        }
      }),
    );
  }

  /** Applies receipts to messages whose batch workflow has closed, with the same machine. */
  private async applyDirectly(events: PendingDlr[]): Promise<void> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['id', 'status', 'status_reason', 'segments'])
      .where('id', 'in', events.map((e) => e.messageId))
      .execute();
    // Receipts for the same message apply in order, on top of each other (multi-part roll-up).
    const states = new Map(rows.map((r) => [r.id, storedMessageState(r.status, r.status_reason as FailureReason | null, r.segments)]));
    const changedIds = new Set<string>();
    for (const e of events) {
      const current = states.get(e.messageId);
      if (!current) continue;
      const { state, changed } = applyMessageEvent(current, toDlrEvent(e.normalized));
      if (changed) {
        states.set(e.messageId, state);
        changedIds.add(e.messageId);
      }
    }
    const updates = [...changedIds].map((id) => {
      const s = states.get(id)!;
      return { id, status: s.status, reason: s.reason ?? null, errorCode: s.errorCode ?? null, providerStatus: s.providerStatus ?? null };
    });
    await flushStates(this.db, updates);
    this.metrics.appliedDirectly += events.length;
  }
}
