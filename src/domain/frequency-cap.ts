/**
 * Frequency caps: at most `max` marketing messages per contact per rolling period, counted across
 * every campaign of the account. Pure; the SQL that counts and claims under them is in
 * src/db/frequency-cap-repository.ts.
 *
 * Which caps bind a campaign (Braze "global frequency capping", CleverTap "account-level frequency
 * caps"; both exempt transactional sends and let a campaign opt out):
 * - the account cap (`accounts.settings.frequency_cap`) binds every marketing campaign, unless the
 *   campaign sets `ignore_account_frequency_cap` (Braze: frequency capping turned off in the
 *   campaign's delivery controls);
 * - a transactional campaign (`campaigns.purpose = 'transactional'`) is never bound by the account cap;
 * - a campaign's own `frequency_cap` binds it in addition (both must hold, so the stricter wins in
 *   each dimension), whatever its purpose or opt-out: it was asked for explicitly.
 * What counts towards a cap: messages of marketing campaigns (also those that ignore the account
 * cap: the cap protects the recipient, who got them) that were handed to a provider — see
 * `countsTowardsFrequencyCap`. Auto-replies (STOP/HELP confirmations) are not campaign messages: they
 * neither count nor are capped.
 *
 * @module
 */

/** A cap as stored in settings (snake_case, as the API takes it). */
export interface FrequencyCapSetting {
  max_messages: number;
  period_seconds: number;
}

/** A parsed cap: at most `max` counted messages per contact in any `periodMs` ending now. */
export interface FrequencyCap {
  max: number;
  /** Rolling period, ms. */
  periodMs: number;
}

/** What decides the caps of one campaign's sends. */
export interface CampaignCapPolicy {
  /** `campaigns.purpose`: `marketing` (default) or `transactional`. */
  purpose: string;
  /** `accounts.settings.frequency_cap`, parsed; undefined = none. */
  accountCap: FrequencyCap | undefined;
  /** `campaigns.settings.frequency_cap`, parsed; undefined = none. */
  campaignCap: FrequencyCap | undefined;
  /** `campaigns.settings.ignore_account_frequency_cap`. */
  ignoreAccountCap: boolean;
}

/**
 * Parses a stored `{ max_messages, period_seconds }`; anything else (absent, null, malformed) is no cap.
 * Stored settings were validated by the API, so a malformed value means "none" rather than an error.
 */
export function parseFrequencyCap(value: unknown): FrequencyCap | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { max_messages: max, period_seconds: seconds } = value as Partial<FrequencyCapSetting>;
  if (typeof max !== 'number' || typeof seconds !== 'number' || !(max >= 1) || !(seconds >= 1))
    return undefined;
  return { max, periodMs: seconds * 1000 };
}

/** The caps that bind a campaign's sends (rules in the module comment); empty = send uncapped. */
export function capsForCampaign(p: CampaignCapPolicy): FrequencyCap[] {
  const caps: FrequencyCap[] = [];
  if (p.accountCap && p.purpose !== 'transactional' && !p.ignoreAccountCap) caps.push(p.accountCap);
  if (p.campaignCap) caps.push(p.campaignCap);
  return caps;
}

/**
 * Message statuses that count towards a cap, when claimed within the period: a message handed to the
 * provider (or being handed: `submitting`) counts whatever its outcome, as Braze counts sends, not
 * deliveries — a delivery receipt can arrive minutes after a second campaign would already have sent.
 * Not counted: `queued` (not sent yet, or released after a provider call that did not happen),
 * `rejected` (refused at submit: it never left) and `suppressed` (never sent).
 */
export const FREQUENCY_CAP_COUNTED_STATUSES = [
  'submitting',
  'submitted',
  'delivered',
  'undelivered',
  'failed',
  'expired',
  'unknown',
] as const;

/** One message to claim: its id and its contact (null: no contact, never capped). */
export interface CapCandidate {
  id: string;
  contactId: string | null;
}

/**
 * Splits messages, in the given order, into those that fit under every cap and those that do not.
 * `counted[i]` holds, per contact, the messages already counted in cap i's period; each message let
 * through counts towards the next ones of the same contact.
 */
export function splitUnderCaps(
  messages: readonly CapCandidate[],
  caps: readonly FrequencyCap[],
  counted: readonly ReadonlyMap<string, number>[],
): { claim: string[]; capped: string[] } {
  const claim: string[] = [];
  const capped: string[] = [];
  const added = new Map<string, number>();
  for (const m of messages) {
    const contact = m.contactId;
    if (contact === null) {
      claim.push(m.id);
      continue;
    }
    const extra = added.get(contact) ?? 0;
    if (caps.some((cap, i) => (counted[i]?.get(contact) ?? 0) + extra >= cap.max)) capped.push(m.id);
    else {
      claim.push(m.id);
      added.set(contact, extra + 1);
    }
  }
  return { claim, capped };
}
