import { describe, expect, it } from 'vitest';
import { COUNTRY_RULES } from '../../src/domain/country-rules.js';
import { defaultKeywordPacks, validateKeywordPacks } from '../../src/domain/onboarding-keyword-pack.js';
import { validateStepInput } from '../../src/domain/onboarding-step-input.js';

describe('keyword packs', () => {
  it('the default packs of every country pass validation', () => {
    for (const code of Object.keys(COUNTRY_RULES)) {
      const packs = defaultKeywordPacks([code], 'Acme');
      expect(packs.length, code).toBeGreaterThan(0);
      expect(validateKeywordPacks(packs, [code]), code).toEqual([]);
    }
    const all = Object.keys(COUNTRY_RULES);
    expect(validateKeywordPacks(defaultKeywordPacks(all, 'Acme'), all)).toEqual([]);
  });

  it('merges languages: US + MX give one en and one es pack with BAJA and AYUDA', () => {
    const packs = defaultKeywordPacks(['US', 'MX'], 'Acme');
    expect(packs.map((p) => p.language)).toEqual(['en', 'es']);
    expect(packs[1]!.opt_out).toContain('BAJA');
    expect(packs[1]!.help).toContain('AYUDA');
  });

  it.each([
    ['STOP removed for the US', { opt_out: ['QUIT'] }, 'packs', 'US requires the opt-out keyword STOP'],
    ['HELP removed for the US', { help: ['INFO'] }, 'packs', 'US requires the help keyword HELP'],
    ['keyword too long', { opt_in: ['X'.repeat(31)] }, 'packs[0].opt_in[0]', '1–30'],
    ['keyword with punctuation', { opt_in: ['GO!'] }, 'packs[0].opt_in[0]', '1–30'],
    ['same word in two categories', { opt_in: ['STOP'] }, 'packs[0].opt_in[0]', 'already a opt_out keyword'],
    ['empty help reply', { help_reply: '' }, 'packs[0].help_reply', '1–300'],
    ['reply over 300 characters', { stop_reply: 'x'.repeat(301) }, 'packs[0].stop_reply', '1–300'],
    ['HELP reply without opt-out', { help_reply: 'Acme support: acme.example.com' }, 'packs[0].help_reply', 'how to opt out'],
    ['no opt-out keyword', { opt_out: [] }, 'packs[0].opt_out', 'at least one'],
  ])('refuses %s', (_n, patch, field, reason) => {
    const pack = { ...defaultKeywordPacks(['US'], 'Acme')[0]!, ...patch };
    const hit = validateKeywordPacks([pack], ['US']).find((e) => e.field === field);
    expect(hit?.reason).toContain(reason);
  });
});

describe('onboarding step inputs', () => {
  it('refuses unknown and repeated countries, and registrations outside the chosen countries', () => {
    expect(validateStepInput('countries', { countries: ['US', 'XX', 'US'] }, { countries: [] })).toEqual([
      { field: 'countries[1]', reason: 'no country rules for XX' },
      { field: 'countries[2]', reason: 'US is listed twice' },
    ]);
    expect(validateStepInput('countries', { countries: ['US', 'us'] }, { countries: [] })).toEqual([{ field: 'countries[1]', reason: 'US is listed twice' }]);
    const errors = validateStepInput('senders', { registrations: [{ country: 'GB', sender_type: 'alphanumeric', sender: 'Acme' }] }, { countries: ['US'] });
    expect(errors).toEqual([{ field: 'registrations[0].country', reason: 'GB is not one of the chosen countries (US)' }]);
    expect(validateStepInput('callbacks', { test_number: '555', sender: '' }, { countries: [] }).map((e) => e.field)).toEqual(['test_number', 'sender']);
  });
});
