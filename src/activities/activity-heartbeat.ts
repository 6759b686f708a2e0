import type { Context } from '@temporalio/activity';

/**
 * Heartbeats `ctx` now and then every `everyMs` with `details()`, until disposed: declare it with
 * `using` so every way out of the activity stops it. Heartbeats on a timer rather than per unit of
 * work keep an activity that waits (for send instants, for a 1 MPS sender) from looking dead, so its
 * heartbeat timeout can be short and a killed worker's activity resumes elsewhere within it. The SDK
 * forwards at most one heartbeat per throttle interval (create-worker.ts: at most 1 s).
 */
export function heartbeatEvery(ctx: Context, everyMs: number, details: () => unknown): Disposable {
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), everyMs);
  return { [Symbol.dispose]: () => clearInterval(timer) };
}
