/**
 * The `smpp` provider: SMPP 3.4 over a transceiver bind (providers.md §8). Sends go through the bind
 * the worker keeps for the connection ({@link SmppSessionSource}); receipts and inbound messages arrive
 * as `deliver_sm` on that bind and enter the webhook pipeline from there (smpp-deliver-intake.ts),
 * so the HTTP webhook methods refuse every call.
 *
 * Outcomes (providers.md §8.1, §9.2): ESME_RTHROTTLED / ESME_RMSGQFUL → `retry` with exponential
 * backoff; bind refused with ESME_RBINDFAIL / ESME_RINVPASWD / ESME_RINVSYSID → `auth_failed`;
 * ESME_RINVDSTADR → `rejected` invalid_number; vendor 0x400–0x4FF → `rejected` carrier_rejected; a
 * submit_sm written but never answered → `rejected` provider_error "outcome unknown" (SMPP has no
 * client reference to deduplicate on, so re-sending could deliver twice).
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import type { ProviderAdapter, ProviderConnectionConfig, SendRequest, SendResult } from '../provider-adapter.js';
import type { SmppConnectionSettings } from './smpp-connection-config.js';
import { readSmppConnection } from './smpp-connection-config.js';
import { smppIdKeys } from './smpp-message-id.js';
import { splitSmppMessage } from './smpp-message-split.js';
import type { SmppPartRecord } from '../../db/smpp-part-repository.js';
import { commandStatusName, SmppBindError, SmppNotBoundError, SmppSession } from './smpp-session.js';

/** Gives sends the bound session of a connection; lives in the worker (smpp-session-pool.ts). */
export interface SmppSessionSource {
  /** The connection's session, started on first use. */
  session(settings: SmppConnectionSettings): SmppSession;
  /** Records a submitted part so its receipts correlate; resolves once committed. */
  recordPart(part: SmppPartRecord): Promise<void>;
}

const ESME_RTHROTTLED = 0x58;
const ESME_RMSGQFUL = 0x14;
const ESME_RINVDSTADR = 0x0b;
/** How often a later part is re-submitted after throttling before the message is given up. */
const PART_THROTTLE_RETRIES = 6;

/** Exponential backoff after `streak` consecutive throttles, ms: 250, 500, … capped at 30 s. */
export function throttleBackoffMs(streak: number): number {
  return Math.min(250 * 2 ** Math.max(0, streak - 1), 30_000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates the adapter. @throws {ProviderConfigError} for a bad config (see readSmppConnection). */
export function createSmppAdapter(conn: ProviderConnectionConfig, deps: { smpp?: SmppSessionSource } = {}): ProviderAdapter {
  const settings = readSmppConnection(conn);
  const throttle = { streak: 0 };

  const submitFields = (req: SendRequest, dataCoding: number, part: { udh?: Buffer; text: string }) => {
    const alpha = !/^\+?[0-9]+$/.test(req.from);
    return {
      source_addr_ton: settings.sourceAddrTon ?? (alpha ? 5 : 1),
      source_addr_npi: settings.sourceAddrNpi ?? (alpha ? 0 : 1),
      source_addr: alpha ? req.from : req.from.replace(/^\+/, ''),
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: req.to.replace(/^\+/, ''),
      registered_delivery: 0x01,
      data_coding: dataCoding,
      // node-smpp encodes the text per data_coding and prefixes the UDH (setting esm_class UDHI).
      short_message: part.udh ? { udh: part.udh, message: part.text } : part.text,
    };
  };

  const send = async (req: SendRequest): Promise<SendResult> => {
    if (!deps.smpp) return { outcome: 'retry', retryAfterMs: 5_000, errorText: 'no SMPP session pool in this process (SMPP sends run in the worker)' };
    const pool = deps.smpp;
    const session = pool.session(settings);
    try {
      await session.waitBound(settings.bindTimeoutMs);
    } catch (err) {
      if (err instanceof SmppBindError && err.isAuthFailure) return { outcome: 'auth_failed', errorText: err.message };
      return { outcome: 'retry', retryAfterMs: 5_000, errorText: `SMPP not bound: ${(err as Error).message}` };
    }
    const plan = splitSmppMessage(req.body, randomInt(256));
    const total = plan.parts.length;
    const ids: string[] = [];
    for (let i = 0; i < total; i += 1) {
      for (let attempt = 0; ; attempt += 1) {
        let resp;
        try {
          resp = await session.submit(submitFields(req, plan.dataCoding, plan.parts[i]!));
        } catch (err) {
          if (err instanceof SmppNotBoundError && i === 0) return { outcome: 'retry', retryAfterMs: 1_000, errorText: err.message };
          const after = i === 0 ? '' : ` after ${i} of ${total} parts were accepted`;
          return { outcome: 'rejected', reason: 'provider_error', errorText: `send outcome unknown${after}: ${(err as Error).message}` };
        }
        const status = resp.command_status;
        if (status === 0) {
          throttle.streak = 0;
          const id = String(resp.message_id);
          ids.push(id);
          await pool.recordPart({
            connectionId: conn.id,
            smscMessageId: id,
            idKeys: smppIdKeys(id),
            providerMessageId: ids[0]!,
            messageId: req.messageId,
            partIndex: i + 1,
            partTotal: total,
          });
          break;
        }
        const name = commandStatusName(status);
        if (status === ESME_RTHROTTLED || status === ESME_RMSGQFUL) {
          throttle.streak += 1;
          // Nothing sent yet: hand the backoff to the activity. Mid-message: wait here, since re-sending
          // the whole message would repeat the parts already accepted.
          if (i === 0) return { outcome: 'retry', retryAfterMs: throttleBackoffMs(throttle.streak), errorCode: name, errorText: `SMSC throttling (${name})` };
          if (attempt >= PART_THROTTLE_RETRIES) {
            return { outcome: 'rejected', reason: 'provider_error', errorCode: name, errorText: `part ${i + 1} of ${total} still throttled after ${attempt} retries` };
          }
          await sleep(throttleBackoffMs(throttle.streak));
          continue;
        }
        const partNote = i === 0 ? '' : ` (part ${i + 1} of ${total}; earlier parts were accepted)`;
        if (status === ESME_RINVDSTADR) return { outcome: 'rejected', reason: 'invalid_number', errorCode: name, errorText: `invalid destination${partNote}` };
        if (status >= 0x400 && status <= 0x4ff) return { outcome: 'rejected', reason: 'carrier_rejected', errorCode: name, errorText: `vendor-specific refusal${partNote}` };
        return { outcome: 'rejected', reason: 'provider_error', errorCode: name, errorText: `submit_sm refused${partNote}` };
      }
    }
    return { outcome: 'accepted', providerMessageId: ids[0]!, parts: total, providerStatus: 'ESME_ROK' };
  };

  return {
    provider: 'smpp',
    idempotentClientReference: false,
    send,
    verifyWebhook: () => false,
    parseDlr: () => {
      throw new Error('smpp receipts arrive as deliver_sm on the bind, not over HTTP');
    },
    parseMo: () => {
      throw new Error('smpp inbound messages arrive as deliver_sm on the bind, not over HTTP');
    },
    testConnection: () => testSmppConnection(settings),
  };
}

/**
 * Binds and unbinds once. Reasons name the failure precisely: `connection refused (host:port)`,
 * `bind failed: ESME_RINVPASWD`, a timeout; never a secret.
 */
export async function testSmppConnection(settings: SmppConnectionSettings): Promise<{ ok: true } | { ok: false; reason: string }> {
  const session = new SmppSession({ ...settings, reconnectInitialMs: 60_000 }, () => Promise.resolve());
  session.start();
  try {
    await session.waitBound(settings.bindTimeoutMs);
    return { ok: true };
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e instanceof SmppBindError) return { ok: false, reason: `bind failed: ${commandStatusName(e.commandStatus)}` };
    if (e.code === 'ECONNREFUSED') return { ok: false, reason: `connection refused (${settings.host}:${settings.port})` };
    return { ok: false, reason: e.message };
  } finally {
    await session.close();
  }
}
