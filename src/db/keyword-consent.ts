/**
 * The consent-ledger entries a keyword MO produces (STOP → opted out, START → opted in), built in one
 * place so the webhook's synchronous STOP path and the `inboundMessage` workflow write the very same
 * rows: same dedupe keys, same `occurred_at`, same proof. Whichever commits first wins; the other is a
 * no-op (consent_events is unique on account + dedupe key).
 *
 * `occurred_at` is the MO's receive time (the provider's, else our log's) placed on the business clock
 * (src/clock.ts `onClock`: unchanged under the system clock), so a STOP is ordered against opt-ins that
 * the API and imports date by that clock.
 *
 * @module
 */
import type { Clock } from '../clock.js';
import { onClock } from '../clock.js';
import type { NewConsentEvent } from './consent-repository.js';

/** Consent purposes a STOP revokes and a START restores: a keyword speaks for the whole number (an opt-out ends every message of the program: compliance.md §c1–c2). */
export const KEYWORD_CONSENT_PURPOSES = ['marketing', 'transactional'] as const;

/** The inbound message a keyword came in, as stored in `inbound_messages`. */
export interface KeywordMo {
  id: string;
  account_id: string;
  connection_id: string;
  provider_message_id: string;
  from_e164: string;
  to_address: string;
  received_at: Date;
}

/**
 * One ledger entry per purpose for `contactId`, dated when the MO was received (on `clock`), with the
 * keyword and message ids as proof; dedupe key `keyword:<connection>:<provider message id>:<purpose>`.
 */
export function keywordConsentEvents(mo: KeywordMo, contactId: string, category: 'opt_out' | 'opt_in', keyword: string, clock: Clock): NewConsentEvent[] {
  const occurredAt = onClock(clock, mo.received_at);
  return KEYWORD_CONSENT_PURPOSES.map((purpose) => ({
    accountId: mo.account_id,
    contactId,
    phoneE164: mo.from_e164,
    purpose,
    status: category === 'opt_out' ? ('opted_out' as const) : ('opted_in' as const),
    source: 'keyword',
    occurredAt,
    proof: { keyword, inbound_message_id: mo.id, provider_message_id: mo.provider_message_id, connection_id: mo.connection_id, to: mo.to_address },
    dedupeKey: `keyword:${mo.connection_id}:${mo.provider_message_id}:${purpose}`,
  }));
}
