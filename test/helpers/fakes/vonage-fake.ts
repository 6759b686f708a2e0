/**
 * A loopback Vonage SMS API: `POST /sms/json` (form, `api_key`/`api_secret`, one element per segment in
 * the always-200 response), `GET /account/get-balance`, per-part DLRs (`accepted` then `delivered`, one
 * pair per segment, each with its own `messageId`, all echoing `client-ref`) and inbound messages,
 * POSTed as JSON and signed with `sig` + `timestamp` + `nonce` (providers.md §2).
 */
import { computeVonageSignature } from '../../../src/providers/vonage/vonage-signature.js';
import type { VonageSignatureMethod } from '../../../src/providers/vonage/vonage-signature.js';
import { CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

export type VonageFakeOutcome = { sendStatus: number } | { status: string; errCode: number };

export async function startVonageFake(options: { callbacks?: FakeCallbackOptions; outcomes?: Record<string, VonageFakeOutcome>; method?: VonageSignatureMethod } = {}): Promise<FakeProvider> {
  const apiKey = randomHex(4);
  const apiSecret = randomHex(8);
  const signatureSecret = randomHex(16);
  const method = options.method ?? 'sha256';
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];
  let seq = 0x12ab34c0;

  const signed = (url: string, params: Record<string, string>, secret = signatureSecret): FakeCallback => {
    const all = { ...params, timestamp: String(Math.floor(Date.now() / 1000)), nonce: randomHex(8) };
    return { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...all, sig: computeVonageSignature(all, secret, method) }) };
  };

  const route = (req: FakeRequest): FakeResponse => {
    const u = new URL(req.url, 'http://fake');
    if (req.method === 'GET' && u.pathname === '/account/get-balance') {
      if (u.searchParams.get('api_key') !== apiKey || u.searchParams.get('api_secret') !== apiSecret) return { status: 401, json: { 'error-code': '401', 'error-code-label': 'authentication failed' } };
      return { status: 200, json: { value: 10.5, autoReload: false } };
    }
    if (req.method !== 'POST' || u.pathname !== '/sms/json') return { status: 404, text: 'not found' };
    const f = new URLSearchParams(req.body);
    if (f.get('api_key') !== apiKey || f.get('api_secret') !== apiSecret) return { status: 200, json: { 'message-count': '1', messages: [{ status: '4', 'error-text': 'Bad Credentials' }] } };
    const to = f.get('to') ?? '';
    const text = f.get('text') ?? '';
    const clientRef = f.get('client-ref') ?? '';
    const callback = f.get('callback');
    const outcome = options.outcomes?.[to];
    if (outcome !== undefined && 'sendStatus' in outcome) return { status: 200, json: { 'message-count': '1', messages: [{ status: String(outcome.sendStatus), 'error-text': 'refused' }] } };
    const perPart = f.get('type') === 'unicode' ? 67 : 153;
    const parts = text.length <= (f.get('type') === 'unicode' ? 70 : 160) ? 1 : Math.ceil(text.length / perPart);
    const ids = Array.from({ length: parts }, () => (seq++).toString(16).toUpperCase().padStart(16, '0'));
    sent.push({ to: `+${to}`, from: f.get('from') ?? '', body: text, providerId: ids[0]! });
    if (callback !== null) {
      for (const id of ids) {
        const base = { msisdn: to, to: f.get('from') ?? '', 'network-code': '310260', messageId: id, price: '0.00750000', 'api-key': apiKey, 'client-ref': clientRef };
        const final = outcome === undefined ? { status: 'delivered', 'err-code': '0' } : { status: outcome.status, 'err-code': String(outcome.errCode) };
        queue.schedule([
          signed(callback, { ...base, status: 'accepted', 'err-code': '0', scts: '2501151431', 'message-timestamp': '2025-01-15 14:31:59' }),
          signed(callback, { ...base, ...final, scts: '2501151432', 'message-timestamp': '2025-01-15 14:32:07' }),
        ]);
      }
    }
    return { status: 200, json: { 'message-count': String(parts), messages: ids.map((id) => ({ to, 'message-id': id, status: '0', 'remaining-balance': '12.345', 'message-price': '0.0075', network: '310260', 'client-ref': clientRef })) } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'vonage',
    url: server.url,
    connection: { config: { baseUrl: server.url, signatureMethod: method }, credentials: { apiKey, apiSecret, signatureSecret } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      queue.schedule([signed(url, { msisdn: from.replace(/^\+/, ''), to, messageId: (seq++).toString(16).toUpperCase().padStart(16, '0'), text: body, type: 'text', keyword: body.split(/\s+/)[0]?.toUpperCase() ?? '', 'message-timestamp': '2025-01-15 14:40:02' })]);
    },
    forgedDlr(url) {
      return signed(url, { messageId: '0A00000012AB34C1', status: 'delivered', 'err-code': '0' }, 'not-the-secret');
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
