/**
 * A loopback MessageBird (legacy REST): `POST /messages` (JSON, `AccessKey`, `reference` required for
 * DLRs), `GET /balance`, DLRs as **GET** query strings (`sent` then `delivered`, or `delivery_failed` +
 * `statusReason`) and forwarded inbound messages, every call signed with `MessageBird-Signature-JWT`
 * (providers.md §7).
 */
import { randomUUID } from 'node:crypto';
import { signMessageBirdJwt } from '../../../src/providers/messagebird/messagebird-signature.js';
import { CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

export async function startMessageBirdFake(options: { callbacks?: FakeCallbackOptions; outcomes?: Record<string, { statusReason: string; statusErrorCode: number }> } = {}): Promise<FakeProvider> {
  const accessKey = randomHex(12);
  const signingKey = randomHex(16);
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];
  const nowS = () => Math.floor(Date.now() / 1000);

  const getSigned = (base: string, params: Record<string, string>, key = signingKey): FakeCallback => {
    const url = `${base}${base.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
    return { url, method: 'GET', headers: { 'messagebird-signature-jwt': signMessageBirdJwt(key, url, '', nowS()) } };
  };
  const postSigned = (url: string, payload: unknown): FakeCallback => {
    const body = JSON.stringify(payload);
    return { url, method: 'POST', headers: { 'content-type': 'application/json', 'messagebird-signature-jwt': signMessageBirdJwt(signingKey, url, body, nowS()) }, body };
  };

  const route = (req: FakeRequest): FakeResponse => {
    if (req.headers.authorization !== `AccessKey ${accessKey}`) return { status: 401, json: { errors: [{ code: 2, description: 'Request not allowed (incorrect access_key)', parameter: 'access_key' }] } };
    if (req.method === 'GET' && req.url === '/balance') return { status: 200, json: { payment: 'prepaid', type: 'euros', amount: 12.34 } };
    if (req.method !== 'POST' || req.url !== '/messages') return { status: 404, json: { errors: [{ code: 20, description: 'message not found', parameter: null }] } };
    const b = JSON.parse(req.body) as { originator: string; recipients: string[]; body: string; reference?: string; reportUrl?: string };
    const recipient = b.recipients[0] ?? '';
    if (!/^\d{6,15}$/.test(recipient)) return { status: 422, json: { errors: [{ code: 10, description: 'no (correct) recipients found', parameter: 'recipients' }] } };
    const id = randomHex(16);
    sent.push({ to: `+${recipient}`, from: b.originator, body: b.body, providerId: id });
    // DLRs only when a reference is set (providers.md §7.1).
    if (b.reportUrl !== undefined && b.reference !== undefined) {
      const dlr = (status: string, extra: Record<string, string> = {}) => ({ id, reference: b.reference!, recipient, status, statusDatetime: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'), mccmnc: '310260', ...extra });
      const outcome = options.outcomes?.[recipient];
      const final = outcome === undefined ? dlr('delivered', { statusReason: 'successfully delivered' }) : dlr('delivery_failed', { statusReason: outcome.statusReason, statusErrorCode: String(outcome.statusErrorCode) });
      queue.schedule([getSigned(b.reportUrl, dlr('sent', { statusReason: 'pending DLR' })), getSigned(b.reportUrl, final)]);
    }
    return { status: 201, json: { id, href: `${req.url}/${id}`, direction: 'mt', originator: b.originator, body: b.body, reference: b.reference, createdDatetime: new Date().toISOString(), recipients: { totalCount: 1, totalSentCount: 1, totalDeliveredCount: 0, totalDeliveryFailedCount: 0, items: [{ recipient: Number(recipient), status: 'sent', statusDatetime: new Date().toISOString() }] } } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'messagebird',
    url: server.url,
    connection: { config: { baseUrl: server.url }, credentials: { accessKey, signingKey } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      queue.schedule([postSigned(url, { id: randomUUID().replace(/-/g, ''), originator: from.replace(/^\+/, ''), recipient: to, body, createdDatetime: new Date().toISOString() })]);
    },
    forgedDlr(url) {
      return getSigned(url, { id: randomHex(16), status: 'delivered' }, 'not-the-key');
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
