/**
 * The business clock: the one instant that quiet hours, local-time scheduling (`send_at_local_time`),
 * validity periods, scheduled starts (`start_at`), frequency caps and consent timestamps are judged by.
 * Every entrypoint builds one (`clockFromConfig`) and passes it down in its deps: activities, the API
 * and webhook intake read it, never `Date.now()` (DESIGN.md "Time"; the lint enforces it). Under
 * `CLOCK_START_AT` (tests, rehearsals) it starts at a chosen instant and advances in real time, so a
 * run at 03:00 UTC can be judged as if it were 13:00 in New York.
 *
 * Wall time stays wall time where real elapsed time is the subject, and there it is read directly:
 * sender pacing (a provider's MPS is real), timeouts and deadlines, caches, Temporal process control,
 * and workflow code (which takes time from Temporal, deterministically). Record-keeping columns
 * (`updated_at`, `recorded_at`, `received_at`…) are stamped by PostgreSQL's `now()`.
 *
 * @module
 */

/**
 * Answers the current business instant. `offsetMs` is how far it runs ahead of the wall clock (0 for
 * the system clock); {@link onClock} uses it to place a wall-clock instant from outside (a provider's
 * receive time of an MO) on the business timeline.
 */
export interface Clock {
  (): Date;
  /** Business instant minus wall instant, ms; 0 for {@link systemClock}. */
  readonly offsetMs: number;
}

/** The system clock: production. */
export const systemClock: Clock = Object.assign(() => new Date(), { offsetMs: 0 });

/**
 * A clock that reads `startAt` now and then advances in real time (a constant offset from the wall
 * clock).
 */
export function clockStartingAt(startAt: Date): Clock {
  const offsetMs = startAt.getTime() - Date.now();
  return Object.assign(() => new Date(Date.now() + offsetMs), { offsetMs });
}

/**
 * The clock an entrypoint runs on: {@link clockStartingAt} `CLOCK_START_AT` when configured (the
 * instant is read when the process parses its configuration), else the system clock.
 */
export function clockFromConfig(config: { CLOCK_START_AT?: string | undefined }): Clock {
  return config.CLOCK_START_AT === undefined ? systemClock : clockStartingAt(new Date(config.CLOCK_START_AT));
}

/** `wallInstant` (an instant of the real clock, e.g. a provider's receive time) on `clock`'s timeline. */
export function onClock(clock: Clock, wallInstant: Date): Date {
  return clock.offsetMs === 0 ? wallInstant : new Date(wallInstant.getTime() + clock.offsetMs);
}
