import { describe, expect, it } from 'vitest';
import { chooseSender, destinationCountry, senderFit } from '../../src/domain/sender-selection.js';
import type { PoolSender, SenderChoice } from '../../src/domain/sender-selection.js';

const US = { id: '00000000-0000-4000-8000-000000000001', address: '+12015550100', type: 'long_code', country: 'US', mps: 1 } satisfies PoolSender;
const CA = { id: '00000000-0000-4000-8000-000000000002', address: '+14165550100', type: 'long_code', country: 'CA', mps: 1 } satisfies PoolSender;
const GB_ALPHA = { id: '00000000-0000-4000-8000-000000000003', address: 'ACME', type: 'alphanumeric', country: 'GB', mps: 1 } satisfies PoolSender;
const US_SHORT = { id: '00000000-0000-4000-8000-000000000004', address: '12345', type: 'short_code', country: 'US', mps: 100 } satisfies PoolSender;
const GLOBAL_ALPHA = { id: '00000000-0000-4000-8000-000000000005', address: 'ACME Global', type: 'alphanumeric', country: null, mps: null } satisfies PoolSender;
const FR_LONG = { id: '00000000-0000-4000-8000-000000000006', address: '+33612345678', type: 'long_code', country: 'FR', mps: 1 } satisfies PoolSender;
const US_TOLL_FREE = { id: '00000000-0000-4000-8000-000000000007', address: '+18005550100', type: 'toll_free', country: 'US', mps: 3 } satisfies PoolSender;

const GEO = { geomatch: true };
const pick = (pool: PoolSender[], destination: string | undefined, opts: { key?: string; sticky?: string; geomatch?: boolean } = {}): SenderChoice =>
  chooseSender(pool, { destination, spreadKey: opts.key ?? 'contact-1', stickySenderId: opts.sticky }, { geomatch: opts.geomatch ?? true });
const address = (c: SenderChoice) => (c.ok ? c.sender.address : null);

describe('sender choice with country geomatch', () => {
  it('gives each recipient a sender of its own country', () => {
    const pool = [US, CA, GB_ALPHA];
    expect(pick(pool, 'US')).toMatchObject({ ok: true, sender: US, match: 'country' });
    expect(pick(pool, 'CA')).toMatchObject({ ok: true, sender: CA, match: 'country' });
    expect(pick(pool, 'GB')).toMatchObject({ ok: true, sender: GB_ALPHA, match: 'country' });
  });

  it('has no sender for a country nothing in the pool serves, and says why', () => {
    const choice = pick([US, CA, GB_ALPHA], 'FR');
    expect(choice.ok).toBe(false);
    expect(!choice.ok && choice.reason).toContain('FR');
  });

  it('lets US and CA long codes and toll-free numbers serve each other (shared +1), but not short codes', () => {
    expect(pick([US], 'CA')).toMatchObject({ sender: US, match: 'nanp' });
    expect(pick([CA], 'US')).toMatchObject({ sender: CA, match: 'nanp' });
    expect(pick([US_TOLL_FREE], 'CA')).toMatchObject({ sender: US_TOLL_FREE, match: 'nanp' });
    expect(pick([US_SHORT], 'CA').ok).toBe(false);
    // An own-country sender beats the NANP neighbour.
    expect(pick([US, CA], 'CA')).toMatchObject({ sender: CA, match: 'country' });
  });

  it('falls back to a sender without country only where its type is accepted', () => {
    expect(pick([US, GLOBAL_ALPHA], 'DE')).toMatchObject({ sender: GLOBAL_ALPHA, match: 'global' });
    // US carriers refuse alphanumeric senders (country rules): no fallback there.
    expect(pick([GLOBAL_ALPHA], 'US').ok).toBe(false);
    // Nothing else fits a number of unknown country.
    expect(pick([US, GLOBAL_ALPHA], undefined)).toMatchObject({ sender: GLOBAL_ALPHA });
    expect(pick([US], undefined).ok).toBe(false);
  });

  it('never picks a sender type the destination refuses, even of its own country', () => {
    // French operators do not accept A2P from long codes (country-rules-europe.ts).
    expect(pick([FR_LONG], 'FR').ok).toBe(false);
    expect(senderFit(FR_LONG, 'FR', GEO)).toBeNull();
  });

  it('prefers a short code of the country over its long codes', () => {
    const pool = [US, { ...US, id: '00000000-0000-4000-8000-0000000000a1', address: '+12015550101' }, US_SHORT];
    for (let i = 0; i < 50; i++) expect(pick(pool, 'US', { key: `c${i}` })).toMatchObject({ sender: US_SHORT });
  });
});

describe('sticky sender', () => {
  it('keeps the sticky sender while it is a member and fits, even when a better tier appears', () => {
    // The contact got the US number when the pool had no CA number; a CA number joined since.
    expect(pick([US, CA], 'CA', { sticky: US.id })).toMatchObject({ sender: US, match: 'sticky' });
  });

  it('replaces a sticky sender that left the pool or no longer fits the destination', () => {
    expect(pick([CA], 'CA', { sticky: US.id })).toMatchObject({ sender: CA, match: 'country' });
    expect(pick([US, GB_ALPHA], 'US', { sticky: GB_ALPHA.id })).toMatchObject({ sender: US, match: 'country' });
  });
});

describe('without geomatch', () => {
  it('uses any member whose type the destination accepts', () => {
    expect(pick([GB_ALPHA], 'DE', { geomatch: false })).toMatchObject({ sender: GB_ALPHA, match: 'any' });
    expect(pick([US], 'GB', { geomatch: false })).toMatchObject({ sender: US, match: 'any' });
    expect(pick([GB_ALPHA], 'US', { geomatch: false }).ok).toBe(false);
  });
});

describe('spreading recipients over senders', () => {
  const longCodes = Array.from({ length: 4 }, (_, i) => ({ ...US, id: `00000000-0000-4000-8000-00000000010${i}`, address: `+1201555010${i}`, mps: i === 3 ? 3 : 1 }));
  const keys = Array.from({ length: 12_000 }, (_, i) => `contact-${i}`);

  it('is deterministic and shares recipients in proportion to MPS', () => {
    const counts = new Map<string, number>();
    for (const key of keys) {
      const a = address(pick(longCodes, 'US', { key }));
      expect(address(pick([...longCodes].reverse(), 'US', { key }))).toBe(a);
      counts.set(a!, (counts.get(a!) ?? 0) + 1);
    }
    // Weights 1:1:1:3 → 1/6, 1/6, 1/6, 1/2 of 12,000.
    expect(counts.get('+12015550103')! / keys.length).toBeCloseTo(0.5, 1);
    for (const a of ['+12015550100', '+12015550101', '+12015550102']) expect(counts.get(a)! / keys.length).toBeCloseTo(1 / 6, 1);
  });

  it('moves only the recipients the new sender takes when a sender joins', () => {
    const joined = { ...US, id: '00000000-0000-4000-8000-000000000199', address: '+12015550199', mps: 1 };
    let moved = 0;
    for (const key of keys) {
      const before = address(pick(longCodes, 'US', { key }));
      const after = address(pick([...longCodes, joined], 'US', { key }));
      if (after !== before) {
        expect(after).toBe(joined.address);
        moved++;
      }
    }
    // Its MPS share: 1 / 7 of recipients.
    expect(moved / keys.length).toBeCloseTo(1 / 7, 1);
  });
});

describe('destination country', () => {
  it('reads the number first, then the NANP area code, then the contact', () => {
    expect(destinationCountry('+14165550100', 'US')).toBe('CA');
    expect(destinationCountry('+447400123456', null)).toBe('GB');
    // Not in libphonenumber's metadata (test range), but area code 202 is Washington DC.
    expect(destinationCountry('+12021000001', null)).toBe('US');
    expect(destinationCountry('+80012345678', 'de')).toBe('DE');
  });
});
