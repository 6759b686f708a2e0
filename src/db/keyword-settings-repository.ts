import { sql } from 'kysely';
import type { Db } from './connection.js';
import './consent-keyword-schema.js';
import type { KeywordPack } from '../domain/keyword-pack.js';
import { resolveKeywordSettings } from '../domain/keyword-settings.js';
import type { EffectiveKeywordSettings, KeywordSettingsRow } from '../domain/keyword-settings.js';

/**
 * The settings that apply to `sender` (an address such as `+12015550100`; '' for the account level)
 * in `accountId`: sender row, then account row, then defaults (see resolveKeywordSettings).
 * @throws Error when the account does not exist.
 */
export async function loadKeywordSettings(db: Db, accountId: string, sender: string): Promise<EffectiveKeywordSettings> {
  const [account, rows] = await Promise.all([
    db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirstOrThrow(),
    db
      .selectFrom('keyword_settings')
      .select(['sender', 'tolerant', 'brand_name', 'help_contact', 'packs'])
      .where('account_id', '=', accountId)
      .where('sender', 'in', sender === '' ? [''] : ['', sender])
      .execute(),
  ]);
  const toRow = (r: (typeof rows)[number]): KeywordSettingsRow => ({
    sender: r.sender,
    tolerant: r.tolerant,
    brandName: r.brand_name,
    helpContact: r.help_contact,
    packs: (r.packs as KeywordPack[] | null) ?? null,
  });
  const accountRow = rows.find((r) => r.sender === '');
  const senderRow = sender === '' ? undefined : rows.find((r) => r.sender === sender);
  return resolveKeywordSettings(account.name, accountRow && toRow(accountRow), senderRow && toRow(senderRow));
}

/** Creates or replaces the settings row of an account (`sender` = '') or of one sender. */
export async function saveKeywordSettings(db: Db, accountId: string, row: KeywordSettingsRow): Promise<void> {
  const values = {
    tolerant: row.tolerant,
    brand_name: row.brandName,
    help_contact: row.helpContact,
    packs: row.packs ? JSON.stringify(row.packs) : null,
    updated_at: sql<Date>`now()`,
  };
  await db
    .insertInto('keyword_settings')
    .values({ account_id: accountId, sender: row.sender, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'sender']).doUpdateSet(values))
    .execute();
}
