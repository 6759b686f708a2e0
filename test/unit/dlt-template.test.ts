import { describe, expect, it } from 'vitest';
import { countDltVariables, matchDltTemplate } from '../../src/domain/dlt-template.js';

const REGISTERED = 'Dear {#var#}, your OTP for login is {#var#}. Valid for 10 minutes. - ACME';

describe('matchDltTemplate (TRAI DLT {#var#} templates)', () => {
  it('matches a text that differs only in variable values, and returns them', () => {
    expect(matchDltTemplate(REGISTERED, 'Dear Ana, your OTP for login is 4821. Valid for 10 minutes. - ACME')).toEqual({ ok: true, values: ['Ana', '4821'] });
    expect(countDltVariables(REGISTERED)).toBe(2);
  });

  it('tolerates different whitespace runs and surrounding whitespace, not other literal changes', () => {
    expect(matchDltTemplate(REGISTERED, ' Dear Ana,  your OTP for\nlogin is 4821. Valid for 10 minutes. - ACME ').ok).toBe(true);
    expect(matchDltTemplate(REGISTERED, 'Dear Ana, your OTP for login is 4821. Valid for 15 minutes. - ACME')).toEqual({
      ok: false,
      detail: 'text does not match the registered DLT template',
    });
    expect(matchDltTemplate(REGISTERED, 'Dear Ana, your OTP for login is 4821. Valid for 10 minutes.').ok).toBe(false);
  });

  it('refuses a variable longer than the limit (30 by default, configurable)', () => {
    const long = 'x'.repeat(31);
    expect(matchDltTemplate(REGISTERED, `Dear ${long}, your OTP for login is 1. Valid for 10 minutes. - ACME`)).toEqual({
      ok: false,
      detail: 'DLT variable 1 is 31 characters, over 30',
    });
    expect(matchDltTemplate(REGISTERED, `Dear ${long}, your OTP for login is 1. Valid for 10 minutes. - ACME`, 40).ok).toBe(true);
  });

  it('treats regex characters in the registered text literally', () => {
    expect(matchDltTemplate('Pay Rs.{#var#} (due) [now]?', 'Pay Rs.500 (due) [now]?').ok).toBe(true);
    expect(matchDltTemplate('Pay Rs.{#var#} (due) [now]?', 'Pay Rsx500 (due) [now]?').ok).toBe(false);
  });
});
