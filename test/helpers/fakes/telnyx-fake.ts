/**
 * A loopback Telnyx: `POST /v2/messages` (JSON, Bearer key), `GET /v2/balance`, and `message.sent` /
 * `message.finalized` / `message.received` events posted as JSON and signed with Ed25519 over
 * `timestamp|body` (providers.md §5), with a key pair generated per fake.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

export async function startTelnyxFake(options: { callbacks?: FakeCallbackOptions; outcomes?: Record<string, { sync?: string; status?: string; code?: string }> } = {}): Promise<FakeProvider> {
  const apiKey = `KEY${randomHex(16)}`;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const forger = generateKeyPairSync('ed25519').privateKey;
  const publicKeyB64 = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];

  const signed = (url: string, event: unknown, key = privateKey): FakeCallback => {
    const body = JSON.stringify(event);
    const ts = String(Math.floor(Date.now() / 1000));
    return {
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'telnyx-timestamp': ts, 'telnyx-signature-ed25519': sign(null, Buffer.from(`${ts}|${body}`), key).toString('base64') },
      body,
    };
  };
  const envelope = (eventType: string, payload: Record<string, unknown>, url: string) => ({
    data: { event_type: eventType, id: randomUUID(), occurred_at: new Date().toISOString().replace('Z', '+00:00'), record_type: 'event', payload },
    meta: { attempt: 1, delivered_to: url },
  });

  const route = (req: FakeRequest): FakeResponse => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return { status: 401, json: { errors: [{ code: '10009', title: 'Authentication failed' }] } };
    if (req.method === 'GET' && req.url === '/v2/balance') return { status: 200, json: { data: { balance: '12.34', currency: 'USD', record_type: 'balance' } } };
    if (req.method !== 'POST' || req.url !== '/v2/messages') return { status: 404, json: { errors: [{ code: '10005', title: 'Resource not found' }] } };
    const body = JSON.parse(req.body) as { from: string; to: string; text: string; webhook_url?: string; tags?: string[] };
    if (!/^\+\d{6,15}$/.test(body.to)) return { status: 400, json: { errors: [{ code: '40310', title: "Invalid 'to' address" }] } };
    const outcome = options.outcomes?.[body.to];
    if (outcome?.sync !== undefined) return { status: 400, json: { errors: [{ code: outcome.sync, title: 'Blocked due to STOP message' }] } };
    const id = randomUUID();
    sent.push({ to: body.to, from: body.from, body: body.text, providerId: id });
    const record = (status: string, errors: unknown[] = []) => ({
      id, record_type: 'message', direction: 'outbound', type: 'SMS', text: body.text, from: { phone_number: body.from },
      to: [{ phone_number: body.to, status, carrier: 'T-MOBILE USA, INC.', line_type: 'Wireless' }], errors, parts: 1, tags: body.tags ?? [],
    });
    if (body.webhook_url !== undefined) {
      const final = outcome?.status === undefined ? record('delivered') : record(outcome.status, [{ code: outcome.code, title: 'failure' }]);
      queue.schedule([signed(body.webhook_url, envelope('message.sent', record('sent'), body.webhook_url)), signed(body.webhook_url, envelope('message.finalized', final, body.webhook_url))]);
    }
    return { status: 200, json: { data: record('queued') } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'telnyx',
    url: server.url,
    connection: { config: { baseUrl: server.url }, credentials: { apiKey, publicKey: publicKeyB64 } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      const payload = { id: randomUUID(), record_type: 'message', direction: 'inbound', type: 'SMS', text: body, from: { phone_number: from }, to: [{ phone_number: to, status: 'webhook_delivered' }], parts: 1, received_at: new Date().toISOString() };
      queue.schedule([signed(url, envelope('message.received', payload, url))]);
    },
    forgedDlr(url) {
      return signed(url, envelope('message.finalized', { id: randomUUID(), to: [{ phone_number: '+15555550123', status: 'delivered' }] }, url), forger);
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
