import type { Db } from '../db/connection.js';
import { claimStickySenders, loadPoolForConnection, stickySenders } from '../db/sender-pool-repository.js';
import type { StickyClaim } from '../db/sender-pool-repository.js';
import { countryRule } from '../domain/country-rules.js';
import { chooseSender, destinationCountry, typeAccepted } from '../domain/sender-selection.js';
import type { PoolSender, SenderChoice, SelectionPolicy } from '../domain/sender-selection.js';

/** One recipient of a batch to choose a sender for. */
export interface PickRecipient {
  contactId: string;
  e164: string;
  /** The contact's stored country (used when the number does not tell). */
  country: string | null;
  /** Record the choice as the contact's sticky sender: only for messages that will be sent. */
  sticky: boolean;
}

/** Chooses a sender per recipient for one campaign. */
export interface SenderPicker {
  /** The sender of each recipient, by contact id. */
  pick(recipients: readonly PickRecipient[]): Promise<Map<string, SenderChoice>>;
}

/**
 * The sender picker of a campaign that sends through a sender pool (undefined for a single-sender
 * campaign). Rules: src/domain/sender-selection.ts. Only members on the campaign's provider
 * connection take part (a member added to the pool later on another connection is skipped).
 *
 * With sticky sender on, a recipient's sticky sender is read before choosing; new and replaced choices
 * of recipients flagged `sticky` are recorded race-free (claimStickySenders) and read back, so two
 * batches choosing for one contact at once (two campaigns through one pool) both use the stored one.
 * Without sticky sender nothing is read or written and recipients are spread by campaign and contact,
 * so a contact may get another sender in the next campaign.
 */
export async function openSenderPicker(
  db: Db,
  campaign: { id: string; account_id: string; connection_id: string; sender: string | null; sender_pool_id: string | null },
): Promise<SenderPicker | undefined> {
  if (campaign.sender_pool_id === null) return campaign.sender ? openSingleSenderCheck(db, campaign.account_id, campaign.sender) : undefined;
  const poolId = campaign.sender_pool_id;
  const pool = await loadPoolForConnection(db, poolId, campaign.connection_id);
  const members: PoolSender[] = pool?.members ?? [];
  const policy: SelectionPolicy = { geomatch: pool?.geomatch ?? true };
  const sticky = pool?.stickySender ?? false;

  return {
    async pick(recipients) {
      const destinations = new Map(recipients.map((r) => [r.contactId, destinationCountry(r.e164, r.country)]));
      const spreadKey = (contactId: string) => (sticky ? contactId : `${campaign.id}:${contactId}`);
      const decide = (r: PickRecipient, stored: Map<string, string>) =>
        chooseSender(members, { destination: destinations.get(r.contactId), spreadKey: spreadKey(r.contactId), stickySenderId: stored.get(r.contactId) }, policy);
      if (!sticky) return new Map(recipients.map((r) => [r.contactId, decide(r, new Map())]));

      const seen = await stickySenders(db, poolId, recipients.map((r) => r.contactId));
      const choices = new Map(recipients.map((r) => [r.contactId, decide(r, seen)]));
      const claims: StickyClaim[] = [];
      for (const r of recipients) {
        const c = choices.get(r.contactId);
        if (r.sticky && c?.ok && c.match !== 'sticky') claims.push({ contactId: r.contactId, senderId: c.sender.id, replaces: seen.get(r.contactId) ?? null });
      }
      if (claims.length === 0) return choices;
      await claimStickySenders(db, poolId, claims);
      const stored = await stickySenders(db, poolId, claims.map((c) => c.contactId));
      const byContact = new Map(recipients.map((r) => [r.contactId, r]));
      for (const claim of claims) {
        const winner = stored.get(claim.contactId);
        if (winner === undefined || winner === claim.senderId) continue;
        // Another batch recorded a sender first: use it when it fits, as every later message will.
        const again = decide(byContact.get(claim.contactId)!, stored);
        if (again.ok && again.match === 'sticky') choices.set(claim.contactId, again);
      }
      return choices;
    },
  };
}

/** An alphanumeric sender ID has a letter; numbers and short codes have none. */
const HAS_LETTER = /[A-Za-z]/;

/**
 * The destination check of a single-sender campaign: the same carrier rule as a pool's (no alphanumeric
 * sender ID to US/CA numbers, no type a country's carriers refuse; country rules), so a recipient the
 * sender cannot legally reach is `suppressed` (`no_sender`) instead of sent. The sender's type comes
 * from its registration (`/v1/senders`); an unregistered address is checked only when its shape tells
 * (a letter: alphanumeric). Undefined when nothing is known about the type, i.e. nothing to check.
 */
async function openSingleSenderCheck(db: Db, accountId: string, address: string): Promise<SenderPicker | undefined> {
  const registered = await db
    .selectFrom('senders')
    .select(['id', 'type', 'country', 'mps'])
    .where('account_id', '=', accountId)
    .where('address', '=', address)
    .executeTakeFirst();
  const type = registered?.type ?? (HAS_LETTER.test(address) ? 'alphanumeric' : undefined);
  if (type === undefined) return undefined;
  const sender: PoolSender = { id: registered?.id ?? address, address, type, country: registered?.country ?? null, mps: registered?.mps ?? null };
  return {
    pick(recipients) {
      const choices = new Map<string, SenderChoice>();
      for (const r of recipients) {
        const destination = destinationCountry(r.e164, r.country);
        choices.set(
          r.contactId,
          typeAccepted(type, destination)
            ? { ok: true, sender, match: 'any' }
            : { ok: false, reason: `${address} is a ${type.replace('_', ' ')} sender: ${countryRule(destination!)?.senderTypes[type].note ?? `carriers in ${destination} do not accept it`}` },
        );
      }
      return Promise.resolve(choices);
    },
  };
}
