/**
 * SQL of the onboarding workflow's activities (migration 0008).
 *
 * @module
 */
import { sql } from 'kysely';
import type { Db } from './connection.js';
import { MARKETING_PURPOSE } from './consent-repository.js';

/** Remembers that `workflowId` awaits replies from `phoneE164` (idempotent; the latest workflow wins). */
export async function registerTestNumber(db: Db, accountId: string, phoneE164: string, workflowId: string): Promise<void> {
  await sql`INSERT INTO onboarding_test_numbers (account_id, phone_e164, workflow_id) VALUES (${accountId}, ${phoneE164}, ${workflowId})
            ON CONFLICT (account_id, phone_e164) DO UPDATE SET workflow_id = EXCLUDED.workflow_id`.execute(db);
}

/** The onboarding workflow awaiting replies from this number, if any. */
export async function findTestNumberWorkflow(db: Db, accountId: string, phoneE164: string): Promise<string | undefined> {
  const r = await sql<{ workflow_id: string }>`SELECT workflow_id FROM onboarding_test_numbers WHERE account_id = ${accountId} AND phone_e164 = ${phoneE164}`.execute(db);
  return r.rows[0]?.workflow_id;
}

/** Appends an audit event (`kind`: `registration_reminder`, `test_message_sent`, …). */
export async function insertOnboardingEvent(db: Db, accountId: string, kind: string, payload: Record<string, unknown>): Promise<void> {
  await sql`INSERT INTO onboarding_events (account_id, kind, payload) VALUES (${accountId}, ${kind}, ${JSON.stringify(payload)}::jsonb)`.execute(db);
}

/** Audit events of an account, oldest first. */
export async function listOnboardingEvents(db: Db, accountId: string): Promise<{ kind: string; payload: Record<string, unknown>; created_at: Date }[]> {
  const r = await sql<{ kind: string; payload: Record<string, unknown>; created_at: Date }>`
    SELECT kind, payload, created_at FROM onboarding_events WHERE account_id = ${accountId} ORDER BY id`.execute(db);
  return r.rows;
}

/** Contacts of the account whose current marketing consent is `opted_in`. */
export async function countOptedInContacts(db: Db, accountId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM consent_current
    WHERE account_id = ${accountId} AND purpose = ${MARKETING_PURPOSE} AND status = 'opted_in'`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** Current marketing consent of the account's contact with this number, or null when none. */
export async function consentOfPhone(db: Db, accountId: string, phoneE164: string): Promise<{ contactId: string; status: string } | null> {
  const r = await sql<{ contact_id: string; status: string }>`
    SELECT c.id AS contact_id, cc.status FROM contacts c
    JOIN consent_current cc ON cc.contact_id = c.id AND cc.purpose = ${MARKETING_PURPOSE}
    WHERE c.account_id = ${accountId} AND c.phone_e164 = ${phoneE164}`.execute(db);
  const row = r.rows[0];
  return row ? { contactId: row.contact_id, status: row.status } : null;
}

/** The user event an inbound message produced (`sms_reply`, `sms_help`, …), or null. */
export async function userEventOfInbound(db: Db, accountId: string, inboundMessageId: string): Promise<{ id: string; type: string } | null> {
  const r = await sql<{ id: string; type: string }>`SELECT id::text, type FROM user_events
    WHERE account_id = ${accountId} AND payload->>'inbound_message_id' = ${inboundMessageId} LIMIT 1`.execute(db);
  return r.rows[0] ?? null;
}

/** Messages of the account per status, and how many campaigns it has. */
export async function accountMessageStats(db: Db, accountId: string): Promise<{ campaigns: number; messages: number; byStatus: Record<string, number> }> {
  const rows = await sql<{ status: string; n: number }>`SELECT status, count(*)::int AS n FROM messages WHERE account_id = ${accountId} GROUP BY status`.execute(db);
  const campaigns = await sql<{ n: number }>`SELECT count(*)::int AS n FROM campaigns WHERE account_id = ${accountId}`.execute(db);
  const byStatus = Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
  return { campaigns: campaigns.rows[0]?.n ?? 0, messages: rows.rows.reduce((a, r) => a + r.n, 0), byStatus };
}

/** The opted-in contact with the lowest number matching an attribute filter (the test segment), for the preview. */
export async function firstSegmentContact(db: Db, accountId: string, filter: Record<string, string>): Promise<{ count: number; first: { phone_e164: string; country: string | null; time_zone: string | null; attributes: Record<string, string> } | null }> {
  const r = await sql<{ phone_e164: string; country: string | null; time_zone: string | null; attributes: Record<string, string>; n: number }>`
    SELECT c.phone_e164, c.country, c.time_zone, c.attributes, count(*) OVER ()::int AS n
    FROM contacts c JOIN consent_current cc ON cc.contact_id = c.id AND cc.purpose = ${MARKETING_PURPOSE} AND cc.status = 'opted_in'
    WHERE c.account_id = ${accountId} AND c.attributes @> ${JSON.stringify(filter)}::jsonb
    ORDER BY c.phone_e164 LIMIT 1`.execute(db);
  const row = r.rows[0];
  return { count: row?.n ?? 0, first: row ? { phone_e164: row.phone_e164, country: row.country, time_zone: row.time_zone, attributes: row.attributes } : null };
}
