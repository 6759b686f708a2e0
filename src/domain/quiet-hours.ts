/**
 * The quiet-hours decision for one recipient: which sending window applies (country default or the
 * campaign's own, narrowed by binding laws: US TCPA and the stricter US states, India TRAI) and the
 * first instant a message may go out. Pure; activities call it with their injected clock.
 *
 * @module
 */
import { COUNTRY_QUIET_HOURS, FALLBACK_QUIET_HOURS, US_FEDERAL_RULE, US_STATE_RULES } from './quiet-hours-rules.js';
import type { RecipientLocation } from './recipient-time-zone.js';
import { ANY_TIME, intersectWindows } from './send-window.js';
import type { SendWindow } from './send-window.js';
import { nextAllowedInAllZones, nextLocalTimeOfDay } from './zoned-time.js';

/**
 * The window a message to `location` may be sent in.
 * - Without an override: the country's default (US: federal ∩ state).
 * - With a campaign override: the override, narrowed by every binding rule (a campaign cannot text a
 *   New Jersey number at 20:30 by asking for 08:00–22:00), replacing non-binding vendor defaults.
 */
export function effectiveSendWindow(location: RecipientLocation, override?: SendWindow): SendWindow {
  const rules = [];
  if (location.country === 'US') {
    rules.push(US_FEDERAL_RULE);
    const state = location.region ? US_STATE_RULES[location.region] : undefined;
    if (state) rules.push(state);
  } else {
    rules.push((location.country && COUNTRY_QUIET_HOURS[location.country]) || FALLBACK_QUIET_HOURS);
  }
  let window = override ?? ANY_TIME;
  for (const rule of rules) {
    if (override && !rule.binding) continue;
    window = intersectWindows(window, rule.window);
  }
  return window;
}

/** When a message may be sent, and why it waits. */
export interface SendTimeDecision {
  /** Earliest allowed instant, epoch ms (`now` when it may go now); `Infinity` when never. */
  notBefore: number;
  /** What pushed `notBefore` past `now`. */
  waitFor: 'none' | 'quiet_hours' | 'local_time';
}

/** "Send at this local time of day": the time and the instant the campaign began sending. */
export interface LocalSendTime {
  /** Minutes since local midnight. */
  minutes: number;
  /** Epoch ms the campaign began sending: the target is the first such local time at or after it. */
  anchorMs: number;
}

/**
 * The first instant at or after `nowMs` a message may go to `location`: not before the recipient's
 * first `sendAt` local time of day after the campaign began (scheduling "10:00 in each recipient's
 * zone"; the latest over the recipient's possible zones), and inside `window` in every possible zone.
 */
export function decideSendTime(
  nowMs: number,
  location: RecipientLocation,
  window: SendWindow,
  sendAt?: LocalSendTime,
): SendTimeDecision {
  let from = nowMs;
  let waitFor: SendTimeDecision['waitFor'] = 'none';
  if (sendAt !== undefined) {
    const target = Math.max(...location.zones.map((z) => nextLocalTimeOfDay(sendAt.anchorMs, z, sendAt.minutes)));
    if (target > nowMs) [from, waitFor] = [target, 'local_time'];
  }
  const notBefore = nextAllowedInAllZones(from, location.zones, window);
  if (notBefore > from) waitFor = 'quiet_hours';
  return { notBefore, waitFor };
}
