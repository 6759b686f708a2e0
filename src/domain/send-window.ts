/**
 * A weekly sending window in local wall-clock time: for each day of the week, the minutes of the
 * local day during which a marketing SMS may be sent, or none. Pure data and arithmetic; time zones
 * are applied by `zoned-time.ts`.
 *
 * @module
 */

/** Minutes since local midnight, half-open: sending is allowed in `[start, end)`; 0 ≤ start < end ≤ 1440. */
export interface DailyWindow {
  start: number;
  end: number;
}

/**
 * Allowed minutes per local day of the week, index 0 = Sunday … 6 = Saturday (as `Date#getDay`).
 * `null` means no sending at all that day.
 */
export type SendWindow = readonly [
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
  DailyWindow | null,
];

/** Thrown when a window or time of day string is malformed. */
export class InvalidSendWindowError extends Error {
  readonly code = 'invalid_send_window';
  override readonly name = 'InvalidSendWindowError';
}

/** The whole day every day: no restriction. */
export const ANY_TIME: SendWindow = everyDay({ start: 0, end: 1440 });

/** The same daily window on all seven days. */
export function everyDay(day: DailyWindow | null): SendWindow {
  return [day, day, day, day, day, day, day];
}

/**
 * Parses `"HH:MM"` (00:00–24:00) into minutes since local midnight.
 * @throws {InvalidSendWindowError} when malformed or out of range.
 */
export function parseTimeOfDay(text: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) throw new InvalidSendWindowError(`"${text}" is not a time of day HH:MM`);
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  if (minutes > 1440) throw new InvalidSendWindowError(`"${text}" is after 24:00`);
  return minutes;
}

/**
 * Parses `"HH:MM-HH:MM"` (e.g. `"08:00-21:00"`) into a daily window.
 * @throws {InvalidSendWindowError} when malformed or the end is not after the start (windows that
 *   wrap past midnight are not supported: quiet hours are nights, sending windows are days).
 */
export function parseDailyWindow(text: string): DailyWindow {
  const parts = text.split('-');
  if (parts.length !== 2) throw new InvalidSendWindowError(`"${text}" is not a window HH:MM-HH:MM`);
  const start = parseTimeOfDay(parts[0]!.trim());
  const end = parseTimeOfDay(parts[1]!.trim());
  if (end <= start) throw new InvalidSendWindowError(`"${text}": the end must be after the start`);
  return { start, end };
}

/** Formats minutes since midnight as `HH:MM`. */
export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The stricter of two daily windows (their overlap), or null when they do not overlap. */
function intersectDay(a: DailyWindow | null, b: DailyWindow | null): DailyWindow | null {
  if (!a || !b) return null;
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return end > start ? { start, end } : null;
}

/** The window allowed by both `a` and `b`, day by day (a state law on top of the federal one). */
export function intersectWindows(a: SendWindow, b: SendWindow): SendWindow {
  return a.map((day, i) => intersectDay(day, b[i]!)) as unknown as SendWindow;
}

/** A compact description, e.g. `"Sun 12:00-21:00, Mon-Sat 09:00-21:00"`, for stats and logs. */
export function describeWindow(w: SendWindow): string {
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const text = (d: DailyWindow | null) => (d ? `${formatTimeOfDay(d.start)}-${formatTimeOfDay(d.end)}` : 'none');
  const groups: { from: number; to: number; text: string }[] = [];
  w.forEach((d, i) => {
    const last = groups[groups.length - 1];
    if (last && last.text === text(d)) last.to = i;
    else groups.push({ from: i, to: i, text: text(d) });
  });
  if (groups.length === 1) return groups[0]!.text;
  return groups.map((g) => `${names[g.from]}${g.to > g.from ? `-${names[g.to]}` : ''} ${g.text}`).join(', ');
}
