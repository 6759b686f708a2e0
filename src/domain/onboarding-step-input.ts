/**
 * What the user sends for each onboarding step (`POST /v1/onboarding/steps/<step>`, then the
 * workflow Update of that step) and the rules each input must meet given the checklist so far.
 * The API checks the shapes with strict zod schemas first; these functions are the workflow Update
 * validators' rules (country rules, chosen countries), so they are pure and sandbox-safe.
 *
 * @module
 */
import { countryRule } from './country-rules.js';
import type { FieldError } from './field-error.js';
import type { KeywordPack } from './onboarding-keyword-pack.js';
import { inboundKeywordPackErrors, validateKeywordPacks } from './onboarding-keyword-pack.js';
import type { OnboardingStepId } from './onboarding-checklist.js';
import type { SenderRegistrationInput } from './sender-registration.js';
import { validateSenderRegistration } from './sender-registration.js';

/** Each step's input. */
export interface StepInputs {
  /** ISO 3166-1 alpha-2 codes of the target countries. */
  countries: { countries: string[] };
  /** `managed`: smsflow connects directly (SMPP, the sandbox); `byo_provider`: the account's own provider account. */
  sending_option: { option: 'managed' | 'byo_provider'; provider: string };
  senders: { registrations: SenderRegistrationInput[] };
  /** A connection created with `POST /v1/connections` (credentials encrypted there). */
  connect_provider: { connection_id: string };
  /** The handset that receives the test message and sends the test reply, and the sender to use. */
  callbacks: { test_number: string; sender: string; body?: string };
  /** Re-check now (consent is also re-checked on a timer). */
  consent: Record<string, never>;
  /** Omitted packs: the defaults of the chosen countries. */
  keywords: { program_name: string; packs?: KeywordPack[] };
  /** The test segment is every opted-in contact whose attributes contain `audience_filter`. */
  test_campaign: { sender: string; body: string; audience_filter: Record<string, string>; fields?: Record<string, string> };
  /** Default: the callbacks step's test number. */
  two_way: { test_number?: string };
  /** Re-check now. */
  monitor: Record<string, never>;
}

/** What the rules need to know about the checklist so far. */
export interface StepContext {
  /** The countries chosen in step 1 (empty before). */
  countries: readonly string[];
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The rule violations of `input` for `step` (empty when valid).
 * Sources: country rules (compliance.md), keyword limits (compliance.md §c1).
 */
export function validateStepInput<S extends OnboardingStepId>(step: S, input: StepInputs[S], ctx: StepContext): FieldError[] {
  const errors: FieldError[] = [];
  const i = input as Record<string, unknown>;
  if (input === null || typeof input !== 'object') return [{ field: 'body', reason: 'a JSON object is required' }];
  switch (step) {
    case 'countries': {
      const list = i.countries;
      if (!Array.isArray(list) || list.length === 0) return [{ field: 'countries', reason: 'choose at least one country' }];
      list.forEach((c, n) => {
        if (typeof c !== 'string' || !countryRule(c)) errors.push({ field: `countries[${n}]`, reason: `no country rules for ${String(c)}` });
        else if (list.findIndex((x) => typeof x === 'string' && x.toUpperCase() === c.toUpperCase()) !== n)
          errors.push({ field: `countries[${n}]`, reason: `${c.toUpperCase()} is listed twice` });
      });
      break;
    }
    case 'senders': {
      const regs = i.registrations;
      if (!Array.isArray(regs) || regs.length === 0) return [{ field: 'registrations', reason: 'register at least one sender' }];
      (regs as SenderRegistrationInput[]).forEach((r, n) => {
        for (const e of validateSenderRegistration(r)) errors.push({ field: `registrations[${n}].${e.field}`, reason: e.reason });
        if (typeof r.country === 'string' && !ctx.countries.includes(r.country.toUpperCase()))
          errors.push({ field: `registrations[${n}].country`, reason: `${r.country} is not one of the chosen countries (${ctx.countries.join(', ')})` });
      });
      break;
    }
    case 'callbacks':
      if (typeof i.test_number !== 'string' || !E164.test(i.test_number)) errors.push({ field: 'test_number', reason: 'an E.164 number (+ and 7–15 digits)' });
      if (typeof i.sender !== 'string' || i.sender.length === 0) errors.push({ field: 'sender', reason: 'required' });
      break;
    case 'keywords': {
      const packs = i.packs as KeywordPack[] | undefined;
      if (packs !== undefined) {
        const own = validateKeywordPacks(packs, ctx.countries);
        errors.push(...(own.length > 0 ? own : inboundKeywordPackErrors(packs)));
      }
      break;
    }
    case 'two_way':
      if (i.test_number !== undefined && (typeof i.test_number !== 'string' || !E164.test(i.test_number))) errors.push({ field: 'test_number', reason: 'an E.164 number (+ and 7–15 digits)' });
      break;
    default:
      break;
  }
  return errors;
}
