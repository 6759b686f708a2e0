import type { Clock } from '../../src/clock.js';

/**
 * A test's business clock (src/clock.ts): it starts at a fixed instant and advances in real time, so
 * durable timers, DLR timeouts and pacing still take real seconds while quiet hours, scheduling,
 * validity and frequency caps see the chosen instant.
 */
export interface TestClock extends Clock {
  /** Moves the clock to `iso` now; it advances in real time from there. */
  set(iso: string): void;
  /** The real (wall) instant, epoch ms, at which the clock shows `iso`. */
  realOf(iso: string): number;
}

/**
 * The suite's default instant when `SMSFLOW_TEST_CLOCK` is unset: Tuesday 16 June 2026, 03:00 UTC —
 * 23:00 on Monday in New York, 08:30 in Delhi, 05:00 in Paris, outside most sending windows. Chosen so
 * that a test which needs daytime and does not pin its clock fails in every run, not only at night.
 */
export const DEFAULT_TEST_INSTANT = '2026-06-16T03:00:00Z';

/**
 * Inside the sending window of every US recipient, wherever in the US, on a weekday: Tuesday 16 June
 * 2026, 19:00 UTC = 15:00 EDT, 14:00 CDT, 12:00 PDT, 09:00 HST (TCPA 08:00–21:00 in every zone, which
 * a number whose zone is unknown must satisfy; and the stricter states, e.g. RI weekdays 09:00–18:00,
 * TX 09:00–21:00: src/domain/quiet-hours-rules.ts). Tests whose messages to US numbers go through a
 * real provider's adapter (which never skips quiet hours) pin it.
 */
export const US_BUSINESS_HOURS = '2026-06-16T19:00:00Z';

/**
 * The instant a stack's clock starts at unless the test pins one: `SMSFLOW_TEST_CLOCK` (ISO 8601 with
 * a zone, e.g. `2026-03-08T07:00:00Z`; `npm run test:hours` sets several), else {@link DEFAULT_TEST_INSTANT}.
 * @throws Error when the variable is set but is not such an instant.
 */
export function suiteTestInstant(): string {
  const iso = process.env.SMSFLOW_TEST_CLOCK;
  if (iso === undefined || iso === '') return DEFAULT_TEST_INSTANT;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(iso) || Number.isNaN(Date.parse(iso))) {
    throw new Error(`SMSFLOW_TEST_CLOCK must be an ISO 8601 instant with a zone (2026-06-16T03:00:00Z), got "${iso}"`);
  }
  return iso;
}

/** A {@link TestClock} showing `iso` now. */
export function testClock(iso: string = suiteTestInstant()): TestClock {
  let offsetMs = 0;
  const set = (at: string) => {
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) throw new Error(`not an instant: ${at}`);
    offsetMs = ms - Date.now();
  };
  set(iso);
  const clock = () => new Date(Date.now() + offsetMs);
  Object.defineProperty(clock, 'offsetMs', { get: () => offsetMs });
  return Object.assign(clock as Clock, { set, realOf: (at: string) => Date.parse(at) - offsetMs });
}

/** The real clock as a {@link TestClock}, for a test whose subject is real time; it cannot be set. */
export function realTestClock(): TestClock {
  const clock = Object.assign(() => new Date(), { offsetMs: 0 });
  return Object.assign(clock, {
    set: () => {
      throw new Error('the real clock cannot be set: start the stack with a test clock');
    },
    realOf: (at: string) => Date.parse(at),
  });
}
