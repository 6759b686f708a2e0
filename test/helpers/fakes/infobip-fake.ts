/**
 * A loopback Infobip: `POST /sms/2/text/advanced` (`Authorization: App <key>`, our
 * `destinations[].messageId` kept as the message id), `GET /account/1/balance`, and batched
 * `{ results: [...] }` delivery reports (DELIVERED_TO_OPERATOR then DELIVERED_TO_HANDSET) and inbound
 * messages, sent with the HTTP Basic credentials of a Subscriptions security setting (providers.md §6).
 */
import { randomUUID } from 'node:crypto';
import { CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

const STATUS = {
  pending: { groupId: 1, groupName: 'PENDING', id: 26, name: 'PENDING_ACCEPTED', description: 'Message sent to next instance' },
  operator: { groupId: 3, groupName: 'DELIVERED', id: 2, name: 'DELIVERED_TO_OPERATOR', description: 'Message delivered to operator' },
  handset: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET', description: 'Message delivered to handset' },
};

export async function startInfobipFake(options: { callbacks?: FakeCallbackOptions; rejected?: Record<string, { id: number; name: string }> } = {}): Promise<FakeProvider> {
  const apiKey = randomHex(16);
  const webhookUsername = 'infobip';
  const webhookPassword = randomHex(12);
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];
  const auth = (password = webhookPassword) => `Basic ${Buffer.from(`${webhookUsername}:${password}`).toString('base64')}`;
  const post = (url: string, payload: unknown, password?: string): FakeCallback => ({ url, method: 'POST', headers: { 'content-type': 'application/json', authorization: auth(password) }, body: JSON.stringify(payload) });
  const ts = () => new Date().toISOString().replace('Z', '+0000');

  const route = (req: FakeRequest): FakeResponse => {
    if (req.headers.authorization !== `App ${apiKey}`) return { status: 401, json: { requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } } } };
    if (req.method === 'GET' && req.url === '/account/1/balance') return { status: 200, json: { balance: 12.34, currency: 'EUR' } };
    if (req.method !== 'POST' || req.url !== '/sms/2/text/advanced') return { status: 404, json: { requestError: { serviceException: { messageId: 'NOT_FOUND', text: 'Not found' } } } };
    const b = JSON.parse(req.body) as { messages: Array<{ from: string; destinations: Array<{ to: string; messageId?: string }>; text: string; notifyUrl?: string; callbackData?: string }> };
    const m = b.messages[0]!;
    const bulkId = randomUUID();
    const out = m.destinations.map((d) => {
      const messageId = d.messageId ?? randomUUID();
      const rejected = options.rejected?.[d.to];
      if (rejected !== undefined) return { to: d.to, messageId, status: { groupId: 5, groupName: 'REJECTED', id: rejected.id, name: rejected.name, description: 'rejected' } };
      sent.push({ to: `+${d.to}`, from: m.from, body: m.text, providerId: messageId });
      if (m.notifyUrl !== undefined) {
        const report = (status: object) => ({ results: [{ bulkId, messageId, to: d.to, sentAt: ts(), doneAt: ts(), smsCount: 1, mccMnc: '310260', callbackData: m.callbackData, price: { pricePerMessage: 0.007, currency: 'EUR' }, status, error: { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false } }] });
        queue.schedule([post(m.notifyUrl, report(STATUS.operator)), post(m.notifyUrl, report(STATUS.handset))]);
      }
      return { to: d.to, messageId, status: STATUS.pending };
    });
    return { status: 200, json: { bulkId, messages: out } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'infobip',
    url: server.url,
    connection: { config: { baseUrl: server.url }, credentials: { apiKey, webhookUsername, webhookPassword } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      queue.schedule([post(url, { results: [{ messageId: randomUUID(), from: from.replace(/^\+/, ''), to, text: body, cleanText: body, keyword: '', receivedAt: ts(), smsCount: 1, price: { pricePerMessage: 0, currency: 'EUR' } }], messageCount: 1, pendingMessageCount: 0 })]);
    },
    forgedDlr(url) {
      return post(url, { results: [{ messageId: randomUUID(), status: STATUS.handset }] }, 'guessed-password');
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
