/**
 * A loopback Plivo: `POST /v1/Account/{authId}/Message/` (JSON, HTTP Basic, 202 with `message_uuid`),
 * `GET /v1/Account/{authId}/`, status callbacks (`queued`, `sent`, then `delivered` or
 * `failed`/`undelivered` + `ErrorCode`, with `Sequence`) and inbound messages, form-encoded and signed
 * with V3 and V2 headers (providers.md §3).
 */
import { randomUUID } from 'node:crypto';
import { computePlivoV2Signature, computePlivoV3Signature } from '../../../src/providers/plivo/plivo-signature.js';
import { basicAuthOf, CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

export async function startPlivoFake(options: { callbacks?: FakeCallbackOptions; outcomes?: Record<string, { status: 'failed' | 'undelivered'; errorCode: number }> } = {}): Promise<FakeProvider> {
  const authId = `MA${randomHex(9).toUpperCase()}`;
  const authToken = randomHex(20);
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];

  const signed = (url: string, params: Record<string, string>, token = authToken): FakeCallback => {
    const pairs = Object.entries(params);
    const nonce = String(Math.floor(Math.random() * 1e15));
    return {
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-plivo-signature-v3': computePlivoV3Signature(token, url, pairs, nonce),
        'x-plivo-signature-v3-nonce': nonce,
        'x-plivo-signature-v2': computePlivoV2Signature(token, url, nonce),
        'x-plivo-signature-v2-nonce': nonce,
      },
      body: new URLSearchParams(pairs).toString(),
    };
  };

  const route = (req: FakeRequest): FakeResponse => {
    const prefix = `/v1/Account/${authId}/`;
    if (basicAuthOf(req.headers) !== `${authId}:${authToken}`) return { status: 401, json: { api_id: randomUUID(), error: 'authentication failed' } };
    if (req.method === 'GET' && req.url === prefix) return { status: 200, json: { account_type: 'standard', auth_id: authId, cash_credits: '12.34' } };
    if (req.method !== 'POST' || req.url !== `${prefix}Message/`) return { status: 404, json: { error: 'not found' } };
    const body = JSON.parse(req.body) as { src?: string; dst?: string; text?: string; url?: string };
    const dst = body.dst ?? '';
    if (!/^\d{6,15}$/.test(dst)) return { status: 400, json: { api_id: randomUUID(), error: 'invalid dst parameter' } };
    const uuid = randomUUID();
    sent.push({ to: `+${dst}`, from: body.src ?? '', body: body.text ?? '', providerId: uuid });
    if (body.url !== undefined) {
      const base = { From: body.src ?? '', To: dst, MessageUUID: uuid, Type: 'sms', Units: '1', TotalRate: '0.0050', TotalAmount: '0.0050', MCC: '310', MNC: '260', PowerpackUUID: '' };
      const outcome = options.outcomes?.[dst];
      const final = outcome === undefined ? { Status: 'delivered', ErrorCode: '000' } : { Status: outcome.status, ErrorCode: String(outcome.errorCode) };
      queue.schedule([
        signed(body.url, { ...base, Status: 'sent', Sequence: '2', SentTime: '2025-01-15 14:32:00.004000' }),
        signed(body.url, { ...base, ...final, Sequence: '3', DeliveryReportTime: '2025-01-15 14:32:41.870000' }),
      ]);
    }
    return { status: 202, json: { api_id: randomUUID(), message: 'message(s) queued', message_uuid: [uuid] } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'plivo',
    url: server.url,
    connection: { config: { baseUrl: server.url, authId }, credentials: { authToken } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      queue.schedule([signed(url, { From: from.replace(/^\+/, ''), To: to, Text: body, Type: 'sms', MessageUUID: randomUUID(), Units: '1', TotalRate: '0', TotalAmount: '0', MessageIntent: '' })]);
    },
    forgedDlr(url) {
      return signed(url, { MessageUUID: randomUUID(), Status: 'delivered', Sequence: '9' }, 'not-the-token');
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
