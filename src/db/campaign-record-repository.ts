/**
 * SQL of the campaign routes (create with idempotency, list, read). It belongs in src/db/ by
 * STYLE.md habit 7; it lives here only because src/db/campaign-repository.ts is another module's.
 * Move it there when convenient.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './connection.js';
import type { CampaignRow } from './database.js';
import { isUuid } from './contact-repository.js';

/** A variant as stored. */
export interface CampaignVariantRecord {
  key: string;
  weight: number;
  body: string;
  /** The stored template the body came from (migration 0004 composition rules), if any. */
  template_id?: string | null;
}

/** A campaign with its variants. */
export type CampaignRecord = CampaignRow & { variants: CampaignVariantRecord[] };

/** What {@link insertCampaign} stores. `settings` holds the tunables (plus idempotency data). */
export interface NewCampaign {
  accountId: string;
  name: string;
  connectionId: string;
  /** The one sender, or null with `senderPoolId`. */
  sender: string | null;
  /** The sender pool (0010) instead of one sender. */
  senderPoolId?: string | null;
  audience: Record<string, unknown>;
  fields: Record<string, unknown>;
  settings: Record<string, unknown>;
  /** Consent purpose (`marketing` when absent). */
  purpose?: string;
  variants: CampaignVariantRecord[];
  /** The client's Idempotency-Key, stored as `settings.idempotency_key`. */
  idempotencyKey?: string;
  /** SHA-256 of the canonical request, stored as `settings.request_sha256` to detect key reuse. */
  requestSha256?: string;
}

/**
 * `created`: inserted now; `replayed`: the same Idempotency-Key and request were seen before (the
 * earlier campaign); `key_reused`: the key was used for a different request.
 */
export type InsertCampaignResult =
  | { kind: 'created' | 'replayed'; campaign: CampaignRecord }
  | { kind: 'key_reused'; campaign: CampaignRecord };

async function variantsOf(db: Db, campaignId: string): Promise<CampaignVariantRecord[]> {
  return db
    .selectFrom('campaign_variants')
    .select(['key', 'weight', 'body'])
    .where('campaign_id', '=', campaignId)
    .orderBy('key')
    .execute();
}

/**
 * Inserts a campaign (workflow id `campaign/<id>`) and its variants in one transaction. With an
 * Idempotency-Key, a transaction-scoped advisory lock on (account, key) serialises concurrent
 * retries, and an existing campaign with that key is answered instead of inserting another.
 */
export async function insertCampaign(db: Db, c: NewCampaign): Promise<InsertCampaignResult> {
  return db.transaction().execute(async (trx) => {
    if (c.idempotencyKey !== undefined) {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`campaign-idempotency:${c.accountId}:${c.idempotencyKey}`}))`.execute(
        trx,
      );
      const existing = await trx
        .selectFrom('campaigns')
        .selectAll()
        .where('account_id', '=', c.accountId)
        .where(sql<string>`settings->>'idempotency_key'`, '=', c.idempotencyKey)
        .executeTakeFirst();
      if (existing) {
        const campaign = { ...existing, variants: await variantsOf(trx, existing.id) };
        const sameRequest = existing.settings['request_sha256'] === c.requestSha256;
        return { kind: sameRequest ? 'replayed' : 'key_reused', campaign };
      }
    }
    const id = randomUUID();
    const settings = {
      ...c.settings,
      ...(c.idempotencyKey !== undefined
        ? { idempotency_key: c.idempotencyKey, request_sha256: c.requestSha256 }
        : {}),
    };
    const row = await trx
      .insertInto('campaigns')
      .values({
        id,
        account_id: c.accountId,
        name: c.name,
        connection_id: c.connectionId,
        sender: c.sender,
        sender_pool_id: c.senderPoolId ?? null,
        audience: JSON.stringify(c.audience),
        settings: JSON.stringify(settings),
        fields: JSON.stringify(c.fields),
        workflow_id: `campaign/${id}`,
        ...(c.purpose !== undefined ? { purpose: c.purpose } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('campaign_variants')
      .values(c.variants.map((v) => ({ campaign_id: id, key: v.key, weight: v.weight, body: v.body, template_id: v.template_id ?? null })))
      .execute();
    const variants = [...c.variants].sort((a, b) => a.key.localeCompare(b.key));
    return { kind: 'created', campaign: { ...row, variants } };
  });
}

/** One campaign of the account with its variants, or undefined (also for another account's). */
export async function findCampaign(
  db: Db,
  accountId: string,
  id: string,
): Promise<CampaignRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db
    .selectFrom('campaigns')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { ...row, variants: await variantsOf(db, row.id) };
}

/** Position after which a campaign page starts: newest first, ties broken by id. */
export interface CampaignCursor {
  /** `created_at` in UTC with microseconds (`2025-01-02T03:04:05.123456Z`): a JS Date would drop them. */
  createdAt: string;
  id: string;
}

/**
 * A page of the account's campaigns, newest first (keyset on `(created_at, id)`, served by the
 * `campaigns_account` index), with their variants.
 */
export async function listCampaigns(
  db: Db,
  accountId: string,
  opts: { limit: number; after?: CampaignCursor },
): Promise<{ campaigns: CampaignRecord[]; next: CampaignCursor | null }> {
  let q = db
    .selectFrom('campaigns')
    .selectAll()
    .select(
      sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at'),
    )
    .where('account_id', '=', accountId);
  if (opts.after) {
    const { createdAt, id } = opts.after;
    q = q.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  const page = rows.slice(0, opts.limit);
  const variants =
    page.length === 0
      ? []
      : await db
          .selectFrom('campaign_variants')
          .select(['campaign_id', 'key', 'weight', 'body'])
          .where(
            'campaign_id',
            'in',
            page.map((r) => r.id),
          )
          .orderBy('key')
          .execute();
  const campaigns = page.map(({ cursor_at: _cursorAt, ...r }) => ({
    ...r,
    variants: variants
      .filter((v) => v.campaign_id === r.id)
      .map(({ key, weight, body }) => ({ key, weight, body })),
  }));
  const last = page.at(-1);
  return {
    campaigns,
    next: rows.length > opts.limit && last ? { createdAt: last.cursor_at, id: last.id } : null,
  };
}
