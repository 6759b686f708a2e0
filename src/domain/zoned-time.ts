/**
 * Wall-clock time in an IANA time zone with nothing but `Intl.DateTimeFormat` (the tz database
 * shipped with Node's ICU), correct across daylight-saving changes: every local time is converted
 * with the UTC offset in force at that local time, never the offset of another moment of the day
 * (the bug of vector V54). Deterministic, so safe in workflow code.
 *
 * @module
 */
import type { SendWindow } from './send-window.js';

/** Local wall-clock fields of an instant in a zone. */
export interface LocalTime {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** UTC offset in force at that instant, minutes east of UTC (New York in winter: -300). */
  offsetMinutes: number;
}

/** Thrown for a time zone name the runtime's tz database does not know. */
export class UnknownTimeZoneError extends Error {
  readonly code = 'unknown_time_zone';
  override readonly name = 'UnknownTimeZoneError';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UnknownTimeZoneError(`unknown time zone "${zone}"`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA zone name this runtime knows. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall-clock fields of `epochMs` in `zone`.
 * @throws {UnknownTimeZoneError}
 */
export function localTimeAt(epochMs: number, zone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetMinutes = Math.round((wallAsUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000))) / 60_000);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, hour, minute, second, weekday, offsetMinutes };
}

/**
 * The instant at which the wall clock in `zone` shows `year-month-day minutes` (minutes since local
 * midnight, may be 1440 = next midnight), using the offset in force at that local time. A local time
 * skipped by a spring-forward gap maps to the same wall time read with the offset before the change
 * (an instant just after the gap); an ambiguous one (fall back) maps to its first occurrence.
 */
export function instantOfLocal(zone: string, year: number, month: number, day: number, minutes: number): number {
  const wallAsUtc = Date.UTC(year, month - 1, day, 0, minutes);
  // Two rounds of "subtract the offset in force there" converge except inside a gap.
  const first = wallAsUtc - localTimeAt(wallAsUtc, zone).offsetMinutes * 60_000;
  const second = wallAsUtc - localTimeAt(first, zone).offsetMinutes * 60_000;
  // Fall back: the earlier of the two candidate instants that show this wall time.
  const earlier = Math.min(first, second);
  const shown = localTimeAt(earlier, zone);
  return Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute) === wallAsUtc ? earlier : Math.max(first, second);
}

/** ISO 8601 local time with its offset, e.g. `2020-11-01T20:30:00-05:00`. */
export function formatLocalIso(epochMs: number, zone: string): string {
  const t = localTimeAt(epochMs, zone);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const off = Math.abs(t.offsetMinutes);
  const sign = t.offsetMinutes < 0 ? '-' : '+';
  return (
    `${t.year}-${p2(t.month)}-${p2(t.day)}T${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}` +
    `${sign}${p2(Math.floor(off / 60))}:${p2(off % 60)}`
  );
}

/** Where an instant stands with respect to a window in one zone. */
export interface WindowPosition {
  /** Inside the window now. */
  allowed: boolean;
  /** When the current window closes (epoch ms), when allowed. */
  windowEnd?: number;
  /** When sending may (next) start: `now` when allowed, else the next window's start (epoch ms). */
  nextAllowed: number;
}

/** Calendar date `days` after (year, month, day). */
function addDays(year: number, month: number, day: number, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Where `nowMs` stands in `window` for a recipient in `zone`: allowed or not, when the window ends,
 * and the next instant sending is allowed (looks up to 8 local days ahead).
 * @returns `nextAllowed = Infinity` when the window allows no day at all.
 * @throws {UnknownTimeZoneError}
 */
export function windowPosition(nowMs: number, zone: string, window: SendWindow): WindowPosition {
  const local = localTimeAt(nowMs, zone);
  for (let k = 0; k <= 8; k++) {
    const date = addDays(local.year, local.month, local.day, k);
    const day = window[(local.weekday + k) % 7];
    if (!day) continue;
    const start = instantOfLocal(zone, date.year, date.month, date.day, day.start);
    const end = instantOfLocal(zone, date.year, date.month, date.day, day.end);
    if (nowMs >= end) continue;
    if (nowMs >= start) return { allowed: true, windowEnd: end, nextAllowed: nowMs };
    return { allowed: false, nextAllowed: start };
  }
  return { allowed: false, nextAllowed: Number.POSITIVE_INFINITY };
}

/**
 * The first instant at or after `nowMs` (epoch ms) at which `window` allows sending in `zone`: `nowMs`
 * itself inside the window, else the next window's start, with DST handled by {@link instantOfLocal}.
 * @returns epoch ms, or `Infinity` when the window never allows sending.
 * @throws {UnknownTimeZoneError}
 */
export function nextAllowedInstant(nowMs: number, zone: string, window: SendWindow): number {
  return windowPosition(nowMs, zone, window).nextAllowed;
}

/**
 * The first instant at or after `nowMs` allowed in every one of `zones` at once: used when the
 * recipient's zone is only known to be one of several (a country or area code spanning zones), so
 * the message is sent only when it is inside the window wherever the recipient is.
 * @returns epoch ms, or `Infinity` when no common instant exists within a few weeks.
 */
export function nextAllowedInAllZones(nowMs: number, zones: readonly string[], window: SendWindow): number {
  let t = nowMs;
  for (let round = 0; round < 64 && Number.isFinite(t); round++) {
    const next = Math.max(...zones.map((z) => nextAllowedInstant(t, z, window)));
    if (next === t) return t;
    t = next;
  }
  return Number.isFinite(t) && zones.every((z) => nextAllowedInstant(t, z, window) === t) ? t : Number.POSITIVE_INFINITY;
}

/**
 * The first instant at or after `nowMs` at which the wall clock in `zone` shows `minutes` (since local
 * midnight): today's if it has not passed, else tomorrow's. For "send at 10:00 recipient time".
 */
export function nextLocalTimeOfDay(nowMs: number, zone: string, minutes: number): number {
  const local = localTimeAt(nowMs, zone);
  for (let k = 0; k <= 2; k++) {
    const d = addDays(local.year, local.month, local.day, k);
    const t = instantOfLocal(zone, d.year, d.month, d.day, minutes);
    if (t >= nowMs) return t;
  }
  return nowMs;
}
