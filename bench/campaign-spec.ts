import type { SandboxBehaviourPatch } from '../src/providers/sandbox/sandbox-behaviour.js';

/**
 * What scenario S1 sends (benchmarks.md §7.2), shared by the smsflow run and the raw-loop baseline
 * so both do the same work per recipient.
 */
export const CAMPAIGN_SPEC = Object.freeze({
  sender: '+12015550100',
  /** One variant, GSM-7, one segment once rendered. */
  body: 'Hi {{ first_name }}, spring sale: {{ campaign.discount }} off until Sunday. Reply STOP to opt out.',
  fields: Object.freeze({ discount: '20%' }),
  /** Campaign settings as `POST /v1/campaigns` takes them. */
  settings: Object.freeze({ batch_size: 500, max_concurrent_batches: 8, dlr_timeout_seconds: 600, flush_interval_ms: 1000 }),
  /** Provider calls in flight per batch: the worker's default `sendConcurrency`. */
  lanesPerBatch: 16,
});

/**
 * The sandbox for S1: unthrottled, mostly delivered, no submit refusals (so every message is an
 * accepted send), fast DLRs with the intermediate `sent` as usual, no duplicates or reordering.
 */
export const UNTHROTTLED_SANDBOX: SandboxBehaviourPatch = Object.freeze({
  outcomes: { delivered: 0.97, undelivered: 0.02, failed: 0.01 },
  dlrDelayMs: { min: 50, max: 300 },
  sendIntermediate: true,
  maxSendsPerSecond: null,
  duplicateRate: 0,
  reorderRate: 0,
  lateRate: 0,
  serverErrorRate: 0,
});
