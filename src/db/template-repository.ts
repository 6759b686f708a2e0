/**
 * SQL of message templates (migrations 0001 + 0004): create, read, and the templates of a
 * campaign's variants for composition.
 *
 * @module
 */
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from './connection.js';
import type { TemplatesTable } from './database.js';
import { isUuid } from './contact-repository.js';

/** A template row. */
export type TemplateRow = Selectable<TemplatesTable>;

/** What {@link insertTemplate} stores. */
export interface NewTemplate {
  accountId: string;
  name: string;
  body: string;
  missingPolicy: 'fail' | 'default';
  defaults: Record<string, string>;
  shortenLinks: boolean;
  dlt: {
    entityId: string;
    templateId: string;
    header: string;
    category: 'transactional' | 'service_implicit' | 'service_explicit' | 'promotional';
    text: string;
    variableMaxLength?: number | undefined;
  } | null;
}

/** Thrown when the account already has a template of that name. */
export class TemplateNameTakenError extends Error {
  readonly code = 'template_name_taken';
  override readonly name = 'TemplateNameTakenError';
}

/** Inserts a template. @throws {TemplateNameTakenError} when the name is taken in the account. */
export async function insertTemplate(db: Db, t: NewTemplate): Promise<TemplateRow> {
  try {
    return await db
      .insertInto('templates')
      .values({
        id: randomUUID(),
        account_id: t.accountId,
        name: t.name,
        body: t.body,
        missing_policy: t.missingPolicy,
        defaults: JSON.stringify(t.defaults),
        shorten_links: t.shortenLinks,
        dlt_entity_id: t.dlt?.entityId ?? null,
        dlt_template_id: t.dlt?.templateId ?? null,
        dlt_header: t.dlt?.header ?? null,
        dlt_category: t.dlt?.category ?? null,
        dlt_text: t.dlt?.text ?? null,
        dlt_var_max_length: t.dlt?.variableMaxLength ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new TemplateNameTakenError(`a template named ${t.name} exists`);
    throw err;
  }
}

/** One template of the account, or undefined (also for another account's or a malformed id). */
export async function findTemplate(db: Db, accountId: string, id: string): Promise<TemplateRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('templates').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** Templates by id (any account: callers pass ids they already scoped). */
export async function templatesById(db: Db, ids: string[]): Promise<Map<string, TemplateRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('templates').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** The account's composition settings (`accounts.settings.smart_encoding`, `.national_language`). */
export async function accountCompositionSettings(db: Db, accountId: string): Promise<{ smartEncoding: boolean; nationalLanguage?: 'tr' | 'es' | 'pt' }> {
  const row = await db.selectFrom('accounts').select('settings').where('id', '=', accountId).executeTakeFirst();
  const s = row?.settings ?? {};
  const lang = s['national_language'];
  return {
    smartEncoding: s['smart_encoding'] === true,
    ...(lang === 'tr' || lang === 'es' || lang === 'pt' ? { nationalLanguage: lang } : {}),
  };
}

/** Price per segment for `country` in the account (falls back to its `*` row), or undefined. */
export async function segmentPrice(db: Db, accountId: string, country: string | undefined): Promise<{ country: string; pricePerSegment: number; currency: string } | undefined> {
  const rows = await db
    .selectFrom('segment_prices')
    .select(['country', 'price_per_segment', 'currency'])
    .where('account_id', '=', accountId)
    .where('country', 'in', country ? [country, '*'] : ['*'])
    .execute();
  const row = rows.find((r) => r.country === country) ?? rows.find((r) => r.country === '*');
  return row && { country: row.country, pricePerSegment: Number(row.price_per_segment), currency: row.currency };
}

/** Sets the account's price per segment for `country` (or `*`). */
export async function upsertSegmentPrice(db: Db, accountId: string, country: string, pricePerSegment: number, currency: string): Promise<void> {
  await db
    .insertInto('segment_prices')
    .values({ account_id: accountId, country, price_per_segment: pricePerSegment, currency })
    .onConflict((oc) => oc.columns(['account_id', 'country']).doUpdateSet({ price_per_segment: pricePerSegment, currency, updated_at: sql`now()` }))
    .execute();
}
