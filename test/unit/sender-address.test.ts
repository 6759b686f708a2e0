import { describe, expect, it } from 'vitest';
import { checkSenderAddress, checkSenderCountry } from '../../src/domain/sender-address.js';
import { DEFAULT_SENDER_MPS, effectiveSenderMps } from '../../src/domain/sender-mps.js';

const fields = (r: ReturnType<typeof checkSenderAddress>) => (r.ok ? [] : r.errors.map((e) => e.field));

describe('sender address by type', () => {
  it('stores numbers in E.164 with the country of the number', () => {
    expect(checkSenderAddress({ type: 'long_code', address: '+1 (416) 555-0100' })).toEqual({ ok: true, address: '+14165550100', country: 'CA' });
    expect(checkSenderAddress({ type: 'toll_free', address: '+18005550100', country: 'us' })).toEqual({ ok: true, address: '+18005550100', country: 'US' });
  });

  it('refuses numbers without +, invalid numbers, a country other than the number’s, and the wrong number type', () => {
    expect(fields(checkSenderAddress({ type: 'long_code', address: '2015550100' }))).toEqual(['address']);
    expect(fields(checkSenderAddress({ type: 'long_code', address: '+15550100000' }))).toEqual(['address']);
    expect(fields(checkSenderAddress({ type: 'long_code', address: '+14165550100', country: 'US' }))).toEqual(['country']);
    expect(fields(checkSenderAddress({ type: 'toll_free', address: '+12015550100' }))).toEqual(['address']);
    expect(fields(checkSenderAddress({ type: 'long_code', address: '+18005550100' }))).toEqual(['type']);
  });

  it('wants 3–8 digits and a country for a short code', () => {
    expect(checkSenderAddress({ type: 'short_code', address: '12345', country: 'US' })).toEqual({ ok: true, address: '12345', country: 'US' });
    expect(fields(checkSenderAddress({ type: 'short_code', address: '12' , country: 'US' }))).toEqual(['address']);
    expect(fields(checkSenderAddress({ type: 'short_code', address: '123456789', country: 'US' }))).toEqual(['address']);
    expect(fields(checkSenderAddress({ type: 'short_code', address: '12345' }))).toEqual(['country']);
    expect(fields(checkSenderAddress({ type: 'short_code', address: '12345', country: 'XX' }))).toEqual(['country']);
  });

  it('wants 1–11 letters, digits or spaces with a letter for an alphanumeric ID, in a country that accepts it', () => {
    expect(checkSenderAddress({ type: 'alphanumeric', address: 'ACME Shop', country: 'gb' })).toEqual({ ok: true, address: 'ACME Shop', country: 'GB' });
    expect(checkSenderAddress({ type: 'alphanumeric', address: 'ACME' })).toEqual({ ok: true, address: 'ACME', country: null });
    expect(fields(checkSenderAddress({ type: 'alphanumeric', address: '123456' }))).toEqual(['address']);
    expect(fields(checkSenderAddress({ type: 'alphanumeric', address: 'ACME-SHOP' }))).toEqual(['address']);
    expect(fields(checkSenderAddress({ type: 'alphanumeric', address: 'TWELVE CHARS' }))).toEqual(['address']);
    const us = checkSenderAddress({ type: 'alphanumeric', address: 'ACME', country: 'US' });
    expect(fields(us)).toEqual(['country']);
  });

  it('keeps a number’s country on PATCH and lets an alphanumeric ID drop its country', () => {
    const ca = { type: 'long_code' as const, address: '+14165550100', country: 'CA' };
    expect(fields(checkSenderCountry(ca, 'US'))).toEqual(['country']);
    expect(checkSenderCountry(ca, 'ca')).toMatchObject({ ok: true, country: 'CA' });
    expect(checkSenderCountry({ type: 'alphanumeric', address: 'ACME', country: 'GB' }, null)).toMatchObject({ ok: true, country: null });
    expect(fields(checkSenderCountry({ type: 'short_code', address: '12345', country: 'US' }, null))).toEqual(['country']);
  });
});

describe('default MPS by sender type (compliance.md §c6)', () => {
  it('is 100 for a short code, 3 toll-free, 1 long code, 0.1 alphanumeric; a set MPS wins', () => {
    expect(DEFAULT_SENDER_MPS).toEqual({ short_code: 100, toll_free: 3, long_code: 1, alphanumeric: 0.1 });
    expect(effectiveSenderMps({ type: 'toll_free', mps: null })).toBe(3);
    expect(effectiveSenderMps({ type: 'toll_free', mps: 20 })).toBe(20);
  });
});
