/**
 * `deliver_sm` from the SMSC into the same pipeline as webhooks (providers.md §8.2–8.3): a receipt
 * (esm_class message type 0x04, or 0x20 intermediate) is correlated through its part record and
 * persisted with `persistDlrs`; an MO is persisted with `persistMos`, or — one part of a concatenated
 * MO — logged as a part and reassembled from the log once every part is there. The caller sends
 * `deliver_sm_resp` only after this resolves.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { PDU, ShortMessage } from 'smpp';
import type { DlrSink, IntakeConnection } from '../../api/webhook-intake.js';
import { persistDlrs, persistMos } from '../../api/webhook-intake.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { insertInboundMessage } from '../../db/inbound-message-repository.js';
import { findSmppPart } from '../../db/smpp-part-repository.js';
import { insertWebhookEvents } from '../../db/webhook-event-repository.js';
import type { NormalizedDlr, NormalizedMo } from '../provider-adapter.js';
import { normalizeSmppId } from './smpp-message-id.js';
import { MoReassembler } from './smpp-mo-reassembler.js';
import { readSmppReceipt } from './smpp-receipt.js';
import { parseUdh } from './smpp-udh.js';

/** esm_class message-type bits (SMPP v3.4 §5.2.12): 0x04 SMSC delivery receipt, 0x20 intermediate notification. */
const ESM_TYPE_MASK = 0x3c;
const RECEIPT_TYPES = new Set([0x04, 0x20]);
/** How long parts of a concatenated MO wait for the rest, ms. */
export const MO_PART_TIMEOUT_MS = 10 * 60_000;
const CONTENT_TYPE = 'application/vnd.smpp.deliver-sm+json';

/** What the intake needs. */
export interface SmppIntakeContext {
  db: Db;
  /** The business clock (src/clock.ts): dates a STOP written before `deliver_sm_resp`. */
  now: Clock;
  sink: DlrSink;
  connection: IntakeConnection;
  /** Resolves once submit_sm_resp ids recorded so far are committed (receipts can race them). */
  partsRecorded: () => Promise<void>;
  /** Identifies this bind, so an MO retransmitted on it (same sequence number) is deduplicated. */
  bindTag: string;
}

function messageText(sm: unknown): { text: string; udh?: Buffer } {
  if (typeof sm === 'string') return { text: sm };
  if (Buffer.isBuffer(sm)) return { text: sm.toString('latin1') };
  const m = sm as ShortMessage | undefined;
  const text = typeof m?.message === 'string' ? m.message : (m?.message?.toString('latin1') ?? '');
  const udh = m?.udh?.length ? Buffer.concat([Buffer.from([m.udh.reduce((n, ie) => n + ie.length, 0)]), ...m.udh]) : undefined;
  return udh ? { text, udh } : { text };
}

/** The PDU as logged in `webhook_events.raw_body`. */
function rawOf(pdu: PDU): string {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pdu)) if (typeof v !== 'function') fields[k] = Buffer.isBuffer(v) ? v.toString('hex') : v;
  return JSON.stringify(fields);
}

function e164(addr: string, ton: unknown): string {
  return ton === 1 || /^[0-9]{8,15}$/.test(addr) ? `+${addr.replace(/^\+/, '')}` : addr;
}

/** Handles one `deliver_sm`. @throws when the database is unavailable (the session then asks for redelivery). */
export async function intakeDeliverSm(ctx: SmppIntakeContext, pdu: PDU): Promise<void> {
  const esmClass = Number(pdu.esm_class ?? 0);
  const { text, udh } = messageText(pdu.short_message ?? pdu.message_payload);
  const raw = { rawBody: rawOf(pdu), contentType: CONTENT_TYPE };
  if (RECEIPT_TYPES.has(esmClass & ESM_TYPE_MASK)) {
    const receipt = readSmppReceipt({
      text,
      receiptedMessageId: typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : undefined,
      messageState: typeof pdu.message_state === 'number' ? pdu.message_state : undefined,
    });
    await ctx.partsRecorded();
    const key = normalizeSmppId(receipt.receiptedId);
    const part = await findSmppPart(ctx.db, ctx.connection.id, key);
    const dlr: NormalizedDlr = {
      providerMessageId: part?.providerMessageId ?? receipt.receiptedId,
      ...(part ? { ourMessageId: part.messageId } : {}),
      status: receipt.status,
      ...(receipt.reason ? { reason: receipt.reason } : {}),
      ...(part && part.partTotal > 1 ? { part: { index: part.partIndex, total: part.partTotal } } : {}),
      providerStatus: receipt.providerStatus,
      ...(receipt.errorCode ? { providerErrorCode: receipt.errorCode } : {}),
      ...(receipt.doneDateRaw ? { providerTimestampRaw: receipt.doneDateRaw } : {}),
      // providers.md §9.3: (receipted id, stat, done date, err).
      dedupeKey: `${key}:${receipt.providerStatus}:${receipt.doneDateRaw ?? ''}:${receipt.errorCode ?? ''}`,
    };
    await persistDlrs(ctx.db, ctx.sink, ctx.connection, [dlr], raw);
    return;
  }
  const from = e164(typeof pdu.source_addr === 'string' ? pdu.source_addr : '', pdu.source_addr_ton);
  const to = typeof pdu.destination_addr === 'string' ? pdu.destination_addr : '';
  const concat = udh ? parseUdh(udh).concat : undefined;
  // SMPP MOs carry no id: a retransmission on the same bind repeats the sequence number and text.
  const digest = createHash('sha256').update(`${ctx.bindTag}\u0000${String(pdu.sequence_number)}\u0000${from}\u0000${to}\u0000${text}`).digest('hex').slice(0, 32);
  if (!concat || concat.total === 1) {
    const mo: NormalizedMo = { providerMessageId: `smpp:${digest}`, from, to, body: text, dedupeKey: digest };
    await persistMos(ctx.db, ctx.now, ctx.connection, [mo], raw);
    return;
  }
  await intakeMoPart(ctx, { from, to, text, ref: concat.ref, total: concat.total, index: concat.index, digest }, raw);
}

/**
 * Logs one part and, under a lock on its group, reassembles the group from the log: the buffer is
 * PostgreSQL, so an acknowledged part survives a crash.
 */
async function intakeMoPart(
  ctx: SmppIntakeContext,
  p: { from: string; to: string; text: string; ref: number; total: number; index: number; digest: string },
  raw: { rawBody: string; contentType: string },
): Promise<void> {
  const group = `${p.from}|${p.to}|${p.ref}|${p.total}`;
  await ctx.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`smpp-mo:${ctx.connection.id}:${group}`}))`.execute(trx);
    const mo: NormalizedMo = { providerMessageId: `smpp:${p.digest}`, from: p.from, to: p.to, body: p.text, concat: { ref: group, index: p.index, total: p.total }, dedupeKey: p.digest };
    const [logged] = await insertWebhookEvents(trx, [
      { connectionId: ctx.connection.id, accountId: ctx.connection.accountId, kind: 'mo', dedupeKey: p.digest, providerMessageId: mo.providerMessageId, messageId: null, workflowId: null, normalized: { ...mo }, rawBody: raw.rawBody, contentType: raw.contentType },
    ]);
    if (!logged) return;
    const { rows } = await sql<{ id: string; normalized: NormalizedMo; received_at: Date }>`
      SELECT id, normalized, received_at FROM webhook_events
      WHERE connection_id = ${ctx.connection.id} AND kind = 'mo' AND applied_at IS NULL
        AND normalized->'concat'->>'ref' = ${group}
        AND received_at > now() - make_interval(secs => ${MO_PART_TIMEOUT_MS / 1000})
      ORDER BY id`.execute(trx);
    const reassembler = new MoReassembler(MO_PART_TIMEOUT_MS);
    let whole = null;
    for (const r of rows) {
      const c = r.normalized.concat!;
      whole = reassembler.add({ from: p.from, to: p.to, ref: p.ref, total: c.total, index: c.index, text: r.normalized.body }, r.received_at.getTime());
      if (whole) break;
    }
    if (!whole) return;
    const firstId = rows[0]!.id;
    // Its inboundMessage workflow is started by the API's sweeper (no starter in the worker).
    await insertInboundMessage(trx, ctx.connection.accountId, ctx.connection.id, { providerMessageId: `smpp:concat:${firstId}`, from: p.from, to: p.to, body: whole.text, dedupeKey: `concat:${firstId}` });
    await sql`UPDATE webhook_events SET applied_at = now() WHERE id = ANY(${rows.map((r) => r.id)}::bigint[])`.execute(trx);
  });
}
