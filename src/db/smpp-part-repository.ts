import { sql } from 'kysely';
import type { Db } from './connection.js';

/** One submitted part of a message sent over SMPP. */
export interface SmppPartRecord {
  connectionId: string;
  /** The id `submit_sm_resp` returned for this part, verbatim. */
  smscMessageId: string;
  /** Every canonical form a receipt may quote it in (`smppIdKeys`). */
  idKeys: string[];
  /** The message's provider id (its first part's SMSC id), as the send records it. */
  providerMessageId: string;
  /** Our message uuid. */
  messageId: string;
  /** 1-based. */
  partIndex: number;
  partTotal: number;
}

/** A part found for a receipt. */
export interface SmppPartMatch {
  providerMessageId: string;
  messageId: string;
  partIndex: number;
  partTotal: number;
}

/** Records a submitted part under each of its id keys (idempotent). */
export async function recordSmppPart(db: Db, p: SmppPartRecord): Promise<void> {
  for (const key of p.idKeys) {
    await sql`
      INSERT INTO smpp_message_parts (connection_id, id_key, smsc_message_id, provider_message_id, message_id, part_index, part_total)
      VALUES (${p.connectionId}, ${key}, ${p.smscMessageId}, ${p.providerMessageId}, ${p.messageId}, ${p.partIndex}, ${p.partTotal})
      ON CONFLICT DO NOTHING`.execute(db);
  }
}

/**
 * The part a receipt quoting canonical id `key` refers to; the most recent one when two ids of the
 * connection share a key (only possible across hex/decimal readings of different ids).
 */
export async function findSmppPart(db: Db, connectionId: string, key: string): Promise<SmppPartMatch | undefined> {
  const { rows } = await sql<{ provider_message_id: string; message_id: string; part_index: number; part_total: number }>`
    SELECT provider_message_id, message_id, part_index, part_total FROM smpp_message_parts
    WHERE connection_id = ${connectionId} AND id_key = ${key}
    ORDER BY created_at DESC LIMIT 1`.execute(db);
  const r = rows[0];
  return r && { providerMessageId: r.provider_message_id, messageId: r.message_id, partIndex: r.part_index, partTotal: r.part_total };
}
