/**
 * A loopback Twilio: the Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`, form body,
 * HTTP Basic), the account resource (`GET /2010-04-01/Accounts/{sid}.json`), and status callbacks
 * (`sent` then `delivered`, or `failed`/`undelivered` with an `ErrorCode`) and inbound messages posted
 * form-encoded and signed with `X-Twilio-Signature` (providers.md §1).
 */
import { computeTwilioSignature } from '../../../src/providers/twilio/twilio-signature.js';
import { basicAuthOf, CallbackQueue, randomHex, startFakeServer } from './fake-provider-server.js';
import type { FakeCallback, FakeCallbackOptions, FakeProvider, FakeRequest, FakeResponse } from './fake-provider-server.js';

/** Per-recipient behaviour; default delivered. */
export type TwilioFakeOutcome = { sync: number } | { status: 'undelivered' | 'failed'; errorCode: number };

/** `failSendsWith`: answer every send with this HTTP status (503: Twilio is down). */
export async function startTwilioFake(options: { callbacks?: FakeCallbackOptions; outcomes?: Record<string, TwilioFakeOutcome>; failSendsWith?: number } = {}): Promise<FakeProvider> {
  const accountSid = `AC${randomHex(16)}`;
  const authToken = randomHex(16);
  const queue = new CallbackQueue(options.callbacks);
  const sent: FakeProvider['sent'] = [];

  const signed = (url: string, params: Record<string, string>): FakeCallback => {
    const pairs = Object.entries(params);
    return {
      url,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeTwilioSignature(authToken, url, pairs) },
      body: new URLSearchParams(pairs).toString(),
    };
  };

  const route = (req: FakeRequest): FakeResponse => {
    const prefix = `/2010-04-01/Accounts/${accountSid}`;
    if (basicAuthOf(req.headers) !== `${accountSid}:${authToken}`) {
      return { status: 401, json: { code: 20003, message: 'Authenticate', status: 401 } };
    }
    if (req.method === 'GET' && req.url === `${prefix}.json`) return { status: 200, json: { sid: accountSid, status: 'active' } };
    if (req.method !== 'POST' || req.url !== `${prefix}/Messages.json`) return { status: 404, json: { code: 20404, message: 'Not found' } };
    if (options.failSendsWith !== undefined) return { status: options.failSendsWith, json: { code: 20500, message: 'Service unavailable', status: options.failSendsWith } };
    const form = new URLSearchParams(req.body);
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    const callback = form.get('StatusCallback');
    if (!/^\+\d{6,15}$/.test(to)) return { status: 400, json: { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 } };
    const outcome = options.outcomes?.[to];
    if (outcome !== undefined && 'sync' in outcome) {
      return { status: 400, json: { code: outcome.sync, message: 'Attempt to send to unsubscribed recipient', status: 400 } };
    }
    const sid = `SM${randomHex(16)}`;
    sent.push({ to, from: form.get('From') ?? '', body, providerId: sid });
    if (callback !== null) {
      const base = { AccountSid: accountSid, ApiVersion: '2010-04-01', From: form.get('From') ?? '', To: to, MessageSid: sid, SmsSid: sid };
      const final: Record<string, string> =
        outcome === undefined
          ? { MessageStatus: 'delivered', SmsStatus: 'delivered', RawDlrDoneDate: '2501151432' }
          : { MessageStatus: outcome.status, SmsStatus: outcome.status, ErrorCode: String(outcome.errorCode) };
      queue.schedule([signed(callback, { ...base, MessageStatus: 'sent', SmsStatus: 'sent' }), signed(callback, { ...base, ...final })]);
    }
    const segments = Math.max(1, Math.ceil(body.length / 153));
    return { status: 201, json: { sid, status: 'queued', num_segments: String(segments), to, body, error_code: null } };
  };

  const server = await startFakeServer(route);
  return {
    provider: 'twilio',
    url: server.url,
    connection: { config: { baseUrl: server.url, accountSid }, credentials: { authToken } },
    sent,
    callbackStatuses: queue.statuses,
    sendInbound({ from, to, body, url }) {
      const sid = `SM${randomHex(16)}`;
      queue.schedule([signed(url, { MessageSid: sid, SmsMessageSid: sid, AccountSid: accountSid, From: from, To: to, Body: body, NumSegments: '1', SmsStatus: 'received', ApiVersion: '2010-04-01' })]);
    },
    forgedDlr(url) {
      const cb = signed(url, { MessageSid: `SM${randomHex(16)}`, MessageStatus: 'delivered' });
      return { ...cb, headers: { ...cb.headers, 'x-twilio-signature': computeTwilioSignature('not-the-token', url, [['MessageStatus', 'delivered']]) } };
    },
    waitForIdle: (ms) => queue.waitForIdle(ms),
    close: () => server.close(),
  };
}
