/**
 * A loopback "Acme SMS" with a plain JSON API of the kind the generic HTTP provider is for:
 * `POST /api/v1/sms` (Bearer token; `{ to, sender, text, ref, callback }` → `{ data: { id } }`),
 * `GET /api/v1/account`, and callbacks signed `X-Acme-Signature: hex HMAC-SHA256(url + body)`:
 * Alibaba-style receipts `{ MessageId, Status: "1" | "2", ErrCode, Ref, ReportTime }` and inbound
 * `{ id, sender, recipient, content }`. {@link GENERIC_FAKE_CONFIG} is the connection config that
 * describes it to smsflow.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

/** The generic-http connection config for the Acme fake at `baseUrl`. */
export function genericFakeConfig(baseUrl: string): Record<string, unknown> {
  return {
    send: {
      method: 'POST',
      url: `${baseUrl}/api/v1/sms`,
      bodyFormat: 'json',
      bodyTemplate: { to: '{{toDigits}}', sender: '{{from}}', text: '{{body}}', ref: '{{messageId}}', callback: '{{dlrUrl}}' },
      auth: 'bearer',
      providerIdPath: 'data.id',
      errorCodePath: 'error.code',
      errorReasons: { E_OPTOUT: 'opted_out', E_NUMBER: 'invalid_number' },
    },
    dlr: { providerMessageId: 'MessageId', status: 'Status', ourMessageId: 'Ref', errorCode: 'ErrCode', timestamp: 'ReportTime', statusMap: { '0': 'sent', '1': 'delivered', '2': 'undelivered' }, errorReasons: { '3': 'unreachable' } },
    mo: { providerMessageId: 'id', from: 'sender', to: 'recipient', body: 'content' },
    webhookAuth: { type: 'hmac-sha256', header: 'X-Acme-Signature', encoding: 'hex', covers: 'url+body' },
    accountUrl: `${baseUrl}/api/v1/account`,
  };
}

export async function startGenericHttpFake(options: { callbacks?: FakeCallbackOptions } = {}): Promise<FakeProvider> {
  const token = randomHex(16);
  const webhookSecret = randomHex(16);
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];
  const signed = (url: string, payload: unknown, secret = webhookSecret): FakeCallback => {
    const body = JSON.stringify(payload);
    return { url, method: 'POST', headers: { 'content-type': 'application/json', 'x-acme-signature': createHmac('sha256', secret).update(url + body).digest('hex') }, body };
  };

  const route = (req: FakeRequest): FakeResponse => {
    if (req.headers.authorization !== `Bearer ${token}`) return { status: 401, json: { error: { code: 'E_AUTH', message: 'bad token' } } };
    if (req.method === 'GET' && req.url === '/api/v1/account') return { status: 200, json: { balance: 10 } };
    if (req.method !== 'POST' || req.url !== '/api/v1/sms') return { status: 404, json: { error: { code: 'E_NOT_FOUND' } } };
    const b = JSON.parse(req.body) as { to: string; sender: string; text: string; ref: string; callback: string };
    if (!/^\d{6,15}$/.test(b.to)) return { status: 400, json: { error: { code: 'E_NUMBER', message: 'bad number' } } };
    const id = randomUUID();
    sent.push({ to: `+${b.to}`, from: b.sender, body: b.text, providerId: id });
    const receipt = (Status: string) => ({ MessageId: id, Status, ErrCode: '0', Ref: b.ref, ReportTime: new Date().toISOString() });
    queue.schedule([signed(b.callback, receipt('0')), signed(b.callback, receipt('1'))]);
    return { status: 200, json: { data: { id, status: 'accepted' } } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'generic-http',
    url: server.url,
    connection: { config: genericFakeConfig(server.url), credentials: { token, webhookSecret } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      queue.schedule([signed(url, { id: randomUUID(), sender: from.replace(/^\+/, ''), recipient: to, content: body })]);
    },
    forgedDlr(url) {
      return signed(url, { MessageId: randomUUID(), Status: '1' }, 'not-the-secret');
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
