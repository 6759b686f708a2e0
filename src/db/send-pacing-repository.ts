import { sql } from 'kysely';
import type { Db } from './connection.js';

/** One pacing key (sender, connection or account) and the interval one segment occupies on it, ms. */
export interface PacingKey {
  key: string;
  intervalMs: number;
}

/** Answer of {@link reserveSendInstantsWithin}. */
export interface HorizonReservation {
  /** Instants (epoch ms) for the first `instants.length` messages, ascending; may be empty. */
  instants: number[];
  /** When every key is free again after this call (epoch ms): the next instant anyone would get. */
  nextFreeMs: number;
}

/** Adjustments a reservation applies first (reserve_send_instants_within, migration 0012). */
export interface PacingAdjustments {
  /** Unused instants, with their segments: rolled back when still the latest on every key. */
  released?: { atMs: number; segments: number }[];
  /** Sends that reached the provider `excessMs` later than the jitter budget allows: later instants keep their distance. */
  pushed?: { atMs: number; segments: number; excessMs: number }[];
}

/**
 * Reserves send instants on every key at once, but none later than `nowMs + horizonMs`: the answer
 * covers a prefix of `segments` (possibly none) and says when the keys are free again
 * (reserve_send_instants_within, migration 0012). First gives back `released` instants (latest first;
 * those still last on every key are rolled back, so their messages get "now" again) and applies
 * `pushed` late sends (each key's next instant at least instant + excess + segments × interval).
 * @param nowMs the caller's clock, epoch ms.
 */
export async function reserveSendInstantsWithin(
  db: Db,
  keys: PacingKey[],
  segments: number[],
  nowMs: number,
  horizonMs: number,
  adjust: PacingAdjustments = {},
): Promise<HorizonReservation> {
  const back = [...(adjust.released ?? [])].sort((a, b) => b.atMs - a.atMs);
  const pushed = adjust.pushed ?? [];
  const r = await sql<{ instants: number[] | null; next_free_ms: number }>`
    SELECT instants, next_free_ms FROM reserve_send_instants_within(
      ${keys.map((k) => k.key)}::text[], ${keys.map((k) => k.intervalMs)}::float8[], ${segments}::int[], ${nowMs}::float8,
      ${horizonMs}::float8, ${back.map((b) => b.atMs)}::float8[], ${back.map((b) => b.segments)}::int[],
      ${pushed.map((p) => p.atMs)}::float8[], ${pushed.map((p) => p.segments)}::int[], ${pushed.map((p) => p.excessMs)}::float8[])`.execute(db);
  const row = r.rows[0];
  return { instants: (row?.instants ?? []).map(Number), nextFreeMs: Number(row?.next_free_ms ?? nowMs) };
}

/** Configured MPS caps of a campaign's sender, its connection and its account (null = none). */
export interface PacingCaps {
  senderMps: number | null;
  connectionMps: number | null;
  accountMps: number | null;
  /** The connection's `config.pacing_headroom` (share of the MPS to aim at, 0.5–1), null when unset or out of range. */
  headroom: number | null;
}

/**
 * Reads the caps: `senders.mps` for (account, address), `provider_connections.config.max_mps`,
 * `accounts.settings.max_mps`, and the connection's `config.pacing_headroom`.
 */
export async function loadPacingCaps(db: Db, accountId: string, connectionId: string, sender: string): Promise<PacingCaps> {
  const r = await sql<{ sender_mps: number | null; connection_mps: string | null; account_mps: string | null; headroom: string | null }>`
    SELECT (SELECT s.mps FROM senders s WHERE s.account_id = ${accountId} AND s.address = ${sender}) AS sender_mps,
           (SELECT c.config->>'max_mps' FROM provider_connections c WHERE c.id = ${connectionId}) AS connection_mps,
           (SELECT a.settings->>'max_mps' FROM accounts a WHERE a.id = ${accountId}) AS account_mps,
           (SELECT c.config->>'pacing_headroom' FROM provider_connections c WHERE c.id = ${connectionId}) AS headroom`.execute(db);
  const row = r.rows[0];
  const num = (v: string | number | null | undefined) => (v === null || v === undefined || !(Number(v) > 0) ? null : Number(v));
  const headroom = num(row?.headroom);
  return {
    senderMps: num(row?.sender_mps),
    connectionMps: num(row?.connection_mps),
    accountMps: num(row?.account_mps),
    headroom: headroom !== null && headroom >= 0.5 && headroom <= 1 ? headroom : null,
  };
}
