/**
 * A loopback Sinch XMS: `POST /xms/v1/{plan}/batches` (JSON, Bearer token, 201 batch), `GET` of the
 * batch list, per-recipient DLRs (`Dispatched` then `Delivered`, or a failure status + code) and
 * `mo_text` inbound messages, posted as JSON with Sinch's callback HMAC headers (providers.md §4).
 */
import { randomUUID } from 'node:crypto';
import { computeSinchSignature } from '../../../src/providers/sinch/sinch-signature.js';
import { CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

const ULID_CHARS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = () => Array.from({ length: 26 }, () => ULID_CHARS[Math.floor(Math.random() * 32)]).join('');

export async function startSinchFake(options: { callbacks?: FakeCallbackOptions; outcomes?: Record<string, { status: string; code: number }> } = {}): Promise<FakeProvider> {
  const servicePlanId = randomHex(16);
  const apiToken = randomHex(16);
  const webhookSecret = randomHex(16);
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];

  const signed = (url: string, payload: unknown, secret = webhookSecret): FakeCallback => {
    const body = JSON.stringify(payload);
    const nonce = randomUUID();
    const timestamp = String(Math.floor(Date.now() / 1000));
    return {
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sinch-webhook-signature': computeSinchSignature(secret, body, nonce, timestamp),
        'x-sinch-webhook-signature-timestamp': timestamp,
        'x-sinch-webhook-signature-nonce': nonce,
        'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
      },
      body,
    };
  };

  const route = (req: FakeRequest): FakeResponse => {
    const prefix = `/xms/v1/${servicePlanId}/batches`;
    if (req.headers.authorization !== `Bearer ${apiToken}`) return { status: 401, json: { code: 'unauthorized', text: 'Unauthorized' } };
    if (req.method === 'GET' && req.url.startsWith(prefix)) return { status: 200, json: { count: sent.length, page: 0, page_size: 1, batches: [] } };
    if (req.method !== 'POST' || req.url !== prefix) return { status: 404, json: { code: 'not_found', text: 'Not found' } };
    const b = JSON.parse(req.body) as { from: string; to: string[]; body: string; callback_url?: string; client_reference?: string };
    const to = b.to[0] ?? '';
    if (!/^\+?\d{6,15}$/.test(to)) return { status: 400, json: { code: 'syntax_invalid_parameter_format', text: "Parameter 'to' has an invalid format" } };
    const id = ulid();
    sent.push({ to, from: b.from, body: b.body, providerId: id });
    if (b.callback_url !== undefined) {
      const report = (status: string, code: number) => ({ type: 'recipient_delivery_report_sms', batch_id: id, recipient: to.replace(/^\+/, ''), code, status, at: new Date().toISOString(), operator_status_at: new Date().toISOString(), client_reference: b.client_reference, number_of_message_parts: 1 });
      const outcome = options.outcomes?.[to];
      queue.schedule([signed(b.callback_url, report('Dispatched', 401)), signed(b.callback_url, outcome === undefined ? report('Delivered', 0) : report(outcome.status, outcome.code))]);
    }
    return { status: 201, json: { id, to: [to], from: b.from, body: b.body, canceled: false, type: 'mt_text', delivery_report: 'per_recipient', client_reference: b.client_reference, created_at: new Date().toISOString() } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'sinch',
    url: server.url,
    connection: { config: { baseUrl: server.url, servicePlanId }, credentials: { apiToken, webhookSecret } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      queue.schedule([signed(url, { type: 'mo_text', id: ulid(), from: from.replace(/^\+/, ''), to, body, received_at: new Date().toISOString(), operator_id: '310260' })]);
    },
    forgedDlr(url) {
      return signed(url, { type: 'recipient_delivery_report_sms', batch_id: ulid(), recipient: '15555550123', code: 0, status: 'Delivered', at: new Date().toISOString() }, 'not-the-secret');
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
