import { sql } from 'kysely';
import type { Db } from '../src/db/connection.js';

/** What the messages table says about one campaign's sends, read the same way for smsflow and the baseline. */
export interface MessageFigures {
  messages: number;
  /** Messages with `submitted_at` (accepted by the provider). */
  accepted: number;
  /** First and last `submitted_at`, unix ms (null when none). */
  firstSubmitMs: number | null;
  lastSubmitMs: number | null;
  /** Messages with `final_at`, and the last `final_at` (unix ms). */
  final: number;
  lastFinalMs: number | null;
  /** Messages per status. */
  byStatus: Record<string, number>;
}

/** Reads {@link MessageFigures} of `campaignId` (two indexed scans). */
export async function readMessageFigures(db: Db, campaignId: string): Promise<MessageFigures> {
  const totals = await sql<{
    messages: number;
    accepted: number;
    first_submit_ms: number | null;
    last_submit_ms: number | null;
    final: number;
    last_final_ms: number | null;
  }>`
    SELECT count(*)::int AS messages,
           (count(*) FILTER (WHERE submitted_at IS NOT NULL))::int AS accepted,
           (extract(epoch FROM min(submitted_at)) * 1000)::float8 AS first_submit_ms,
           (extract(epoch FROM max(submitted_at)) * 1000)::float8 AS last_submit_ms,
           (count(*) FILTER (WHERE final_at IS NOT NULL))::int AS final,
           (extract(epoch FROM max(final_at)) * 1000)::float8 AS last_final_ms
    FROM messages WHERE campaign_id = ${campaignId}::uuid`.execute(db);
  const statuses = await sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM messages WHERE campaign_id = ${campaignId}::uuid GROUP BY status`.execute(db);
  const t = totals.rows[0];
  return {
    messages: t?.messages ?? 0,
    accepted: t?.accepted ?? 0,
    firstSubmitMs: t?.first_submit_ms ?? null,
    lastSubmitMs: t?.last_submit_ms ?? null,
    final: t?.final ?? 0,
    lastFinalMs: t?.last_final_ms ?? null,
    byStatus: Object.fromEntries(statuses.rows.map((r) => [r.status, r.n])),
  };
}

/**
 * Accepted sends per second over the span first → last `submitted_at` (benchmarks.md S1's
 * "accepted sends/s"); 0 when fewer than two distinct timestamps.
 */
export function acceptedPerSecond(f: MessageFigures): number {
  if (f.firstSubmitMs === null || f.lastSubmitMs === null || f.lastSubmitMs <= f.firstSubmitMs) return 0;
  return f.accepted / ((f.lastSubmitMs - f.firstSubmitMs) / 1000);
}
