import { describe, expect, it } from 'vitest';
import { decideSendTime, effectiveSendWindow } from '../../src/domain/quiet-hours.js';
import { resolveRecipientLocation } from '../../src/domain/recipient-time-zone.js';
import { describeWindow, everyDay, InvalidSendWindowError, parseDailyWindow } from '../../src/domain/send-window.js';
import { formatLocalIso, nextAllowedInstant, nextLocalTimeOfDay, windowPosition } from '../../src/domain/zoned-time.js';
import { loadVectors } from '../helpers/vectors.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** Next allowed instant for a recipient with the default rules (no campaign override). */
function next(nowIso: string, e164: string, timeZone?: string, country = 'US') {
  const location = resolveRecipientLocation({ e164, country, timeZone: timeZone ?? null });
  return iso(decideSendTime(at(nowIso), location, effectiveSendWindow(location)).notBefore);
}

describe('quiet-hours vectors', () => {
  for (const v of loadVectors('quiet-hours')) {
    it(`${v.id}: window end uses the offset in force at the window's end`, () => {
      const input = v.input as { window_local: string; tz: string; now_utc: string };
      const expected = v.expected as { allowed: boolean; local_time: string; window_end_utc: string };
      const pos = windowPosition(at(input.now_utc), input.tz, everyDay(parseDailyWindow(input.window_local)));
      expect(pos.allowed).toBe(expected.allowed);
      expect(formatLocalIso(at(input.now_utc), input.tz)).toBe(expected.local_time);
      expect(iso(pos.windowEnd!)).toBe(new Date(expected.window_end_utc).toISOString());
    });
  }
});

describe('quiet hours by US state (recipient local time from the area code)', () => {
  it('20:59 in New Jersey defers to 08:00 the next morning (state window 08:00-20:00)', () => {
    // Monday 15 June 2026, 20:59 EDT = 00:59Z on the 16th
    expect(next('2026-06-16T00:59:00Z', '+12015550123')).toBe('2026-06-16T12:00:00.000Z');
  });

  it('20:59 in Washington DC is still inside the federal 08:00-21:00 window', () => {
    expect(next('2026-06-16T00:59:00Z', '+12025550123')).toBe('2026-06-16T00:59:00.000Z');
  });

  it('Texas on a Sunday morning defers to noon; on Saturday morning 09:00 is enough', () => {
    // Sunday 29 Nov 2026 10:00 CST = 16:00Z → noon CST = 18:00Z
    expect(next('2026-11-29T16:00:00Z', '+12145550123')).toBe('2026-11-29T18:00:00.000Z');
    // Saturday 28 Nov 2026 10:00 CST: allowed
    expect(next('2026-11-28T16:00:00Z', '+12145550123')).toBe('2026-11-28T16:00:00.000Z');
    // Saturday 22:00 CST → Sunday noon, not Sunday 09:00
    expect(next('2026-11-29T04:00:00Z', '+12145550123')).toBe('2026-11-29T18:00:00.000Z');
  });

  it('El Paso (915) is Mountain time: Texas rules in America/Denver', () => {
    // Sunday 29 Nov 2026 11:30 MST = 18:30Z (12:30 in Dallas): still before noon in El Paso
    expect(next('2026-11-29T18:30:00Z', '+19155550123')).toBe('2026-11-29T19:00:00.000Z');
  });

  it('Rhode Island: weekdays 09:00-18:00, weekends 10:00-17:00', () => {
    // Saturday 28 Nov 2026 09:30 EST = 14:30Z → 10:00 EST
    expect(next('2026-11-28T14:30:00Z', '+14015550123')).toBe('2026-11-28T15:00:00.000Z');
    // Friday 27 Nov 18:30 EST = 23:30Z → Saturday 10:00 EST = 15:00Z
    expect(next('2026-11-27T23:30:00Z', '+14015550123')).toBe('2026-11-28T15:00:00.000Z');
  });

  it("the contact's own time zone wins over the area code; the state rule still follows the number", () => {
    // NJ number living in Los Angeles: 19:30 PDT is fine by NJ's 20:00 in LA time
    expect(next('2026-06-16T02:30:00Z', '+12015550123', 'America/Los_Angeles')).toBe('2026-06-16T02:30:00.000Z');
    // 20:30 PDT is not → 08:00 PDT
    expect(next('2026-06-16T03:30:00Z', '+12015550123', 'America/Los_Angeles')).toBe('2026-06-16T15:00:00.000Z');
  });

  it('an area code spanning two zones sends only when both are inside the window', () => {
    // Florida 850 (Eastern and Central): 20:30 CDT is 21:30 EDT; the next instant inside 08:00-20:00 in both zones is 08:00 CDT
    expect(next('2026-06-16T01:30:00Z', '+18505550123')).toBe('2026-06-16T13:00:00.000Z');
  });
});

describe('DST days', () => {
  it('spring forward: 01:30 EST on 8 Mar 2026 defers to 08:00 EDT (12:00Z, not 13:00Z)', () => {
    expect(next('2026-03-08T06:30:00Z', '+12015550123')).toBe('2026-03-08T12:00:00.000Z');
  });

  it('fall back: 01:30 EDT on 1 Nov 2026 defers to 08:00 EST (13:00Z, not 12:00Z)', () => {
    expect(next('2026-11-01T05:30:00Z', '+12015550123')).toBe('2026-11-01T13:00:00.000Z');
  });

  it('fall back evening: the window closes at 20:00 EST = 01:00Z, not an hour early', () => {
    const w = everyDay(parseDailyWindow('08:00-20:00'));
    expect(windowPosition(at('2026-11-02T00:30:00Z'), 'America/New_York', w).allowed).toBe(true); // 19:30 EST
    expect(iso(windowPosition(at('2026-11-02T00:30:00Z'), 'America/New_York', w).windowEnd!)).toBe('2026-11-02T01:00:00.000Z');
  });

  it('London on the day BST starts: 07:30 BST waits for 08:00 BST = 07:00Z', () => {
    expect(next('2026-03-29T06:30:00Z', '+447400123456', undefined, 'GB')).toBe('2026-03-29T07:00:00.000Z');
  });

  it('Sydney (southern hemisphere) when DST ends on 5 Apr 2026', () => {
    const w = everyDay(parseDailyWindow('08:00-20:00'));
    // 07:00 AEST on 5 Apr (after the 03:00 AEDT → 02:00 AEST change) = 21:00Z on the 4th → 08:00 AEST = 22:00Z
    expect(iso(nextAllowedInstant(at('2026-04-04T21:00:00Z'), 'Australia/Sydney', w))).toBe('2026-04-04T22:00:00.000Z');
  });
});

describe('country defaults and campaign overrides', () => {
  it('India: TRAI 09:00-21:00 IST', () => {
    // 08:00 IST = 02:30Z → 09:00 IST = 03:30Z
    expect(next('2026-06-16T02:30:00Z', '+919812345678', undefined, 'IN')).toBe('2026-06-16T03:30:00.000Z');
  });

  it('a campaign override replaces a vendor default but cannot widen a binding law', () => {
    const gb = resolveRecipientLocation({ e164: '+447400123456', country: 'GB' });
    const nj = resolveRecipientLocation({ e164: '+12015550123', country: 'US' });
    const wide = everyDay(parseDailyWindow('07:00-22:00'));
    expect(describeWindow(effectiveSendWindow(gb, wide))).toBe('07:00-22:00');
    expect(describeWindow(effectiveSendWindow(nj, wide))).toBe('08:00-20:00');
    expect(describeWindow(effectiveSendWindow(nj, everyDay(parseDailyWindow('10:00-18:00'))))).toBe('10:00-18:00');
    expect(describeWindow(effectiveSendWindow(resolveRecipientLocation({ e164: '+12145550123' })))).toBe(
      'Sun 12:00-21:00, Mon-Sat 09:00-21:00',
    );
  });

  it('a US number with no known area code and no zone is sent only when allowed in every US zone', () => {
    // +1 800 toll-free: zones = all US zones; 12:00Z is 08:00 EDT but 02:00 in Honolulu
    const d = next('2026-06-16T12:00:00Z', '+18005550123');
    expect(d).toBe('2026-06-16T18:00:00.000Z'); // 08:00 HST, 14:00 EDT
  });

  it('malformed windows are refused with a named error', () => {
    expect(() => parseDailyWindow('21:00-08:00')).toThrow(InvalidSendWindowError);
    expect(() => parseDailyWindow('8-9')).toThrow(InvalidSendWindowError);
  });
});

describe('send at a local time of day', () => {
  it('10:00 in each recipient zone: later today if not passed, else tomorrow', () => {
    expect(iso(nextLocalTimeOfDay(at('2026-06-16T12:00:00Z'), 'America/New_York', 600))).toBe('2026-06-16T14:00:00.000Z');
    expect(iso(nextLocalTimeOfDay(at('2026-06-16T15:00:00Z'), 'America/New_York', 600))).toBe('2026-06-17T14:00:00.000Z');
    expect(iso(nextLocalTimeOfDay(at('2026-06-16T12:00:00Z'), 'America/Los_Angeles', 600))).toBe('2026-06-16T17:00:00.000Z');
  });

  it('decideSendTime says why a message waits', () => {
    const loc = resolveRecipientLocation({ e164: '+12015550123' });
    const w = effectiveSendWindow(loc);
    const anchorMs = at('2026-06-16T12:00:00Z');
    expect(decideSendTime(anchorMs, loc, w, { minutes: 600, anchorMs })).toEqual({ notBefore: at('2026-06-16T14:00:00Z'), waitFor: 'local_time' });
    // once 10:00 local has come, a batch that runs later the same day sends at once (not tomorrow)
    expect(decideSendTime(at('2026-06-16T15:00:00Z'), loc, w, { minutes: 600, anchorMs })).toEqual({ notBefore: at('2026-06-16T15:00:00Z'), waitFor: 'none' });
    // 06:00 local time asked, but NJ only from 08:00
    const early = at('2026-06-16T09:00:00Z');
    expect(decideSendTime(early, loc, w, { minutes: 360, anchorMs: early })).toEqual({ notBefore: at('2026-06-16T12:00:00Z'), waitFor: 'quiet_hours' });
  });
});
