import type { MessageStatus } from './message-status.js';

/**
 * Messages per status, as reported by a batch to its campaign and by the stats API. `submitted`
 * counts messages still waiting for a final DLR; `sent` counts every message the provider accepted
 * (whatever happened after), which is what "Sent" means in campaign reports.
 */
export type MessageCounts = Record<MessageStatus, number> & { total: number; sent: number };

/** A zeroed {@link MessageCounts}. */
export function emptyMessageCounts(): MessageCounts {
  return {
    total: 0,
    sent: 0,
    queued: 0,
    submitting: 0,
    submitted: 0,
    delivered: 0,
    undelivered: 0,
    failed: 0,
    expired: 0,
    rejected: 0,
    suppressed: 0,
    unknown: 0,
  };
}

/** Statuses that imply the provider accepted the message (it was "Sent"). */
const ACCEPTED: ReadonlySet<MessageStatus> = new Set(['submitted', 'delivered', 'undelivered', 'expired', 'unknown']);

/** Whether a message in `status` was accepted by the provider at some point. */
export function wasSent(status: MessageStatus): boolean {
  return ACCEPTED.has(status);
}

/** Counts the given statuses. */
export function countStatuses(statuses: Iterable<MessageStatus>): MessageCounts {
  const counts = emptyMessageCounts();
  for (const s of statuses) {
    counts[s] += 1;
    counts.total += 1;
    if (wasSent(s)) counts.sent += 1;
  }
  return counts;
}

/** Adds `b` into `a` (mutates and returns `a`). */
export function addMessageCounts(a: MessageCounts, b: MessageCounts): MessageCounts {
  for (const key of Object.keys(b) as (keyof MessageCounts)[]) a[key] += b[key];
  return a;
}
