import { describe, expect, it } from 'vitest';
import { applyMessageEvent, initialMessageState } from '../../src/domain/message-machine.js';
import { toDlrEvent } from '../../src/domain/dlr-event.js';
import { ProviderConfigError, WebhookPayloadError } from '../../src/providers/provider-adapter.js';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createTwilioAdapter } from '../../src/providers/twilio/twilio-adapter.js';
import { computeTwilioSignature } from '../../src/providers/twilio/twilio-signature.js';
import { loadVectors } from '../helpers/vectors.js';

const ACCOUNT = 'AC00000000000000000000000000000000';
const TOKEN = 'twilio_token_test';
const MID = '7d3e0c1a-0000-4000-8000-000000000001';
const URL_DLR = `https://hooks.example.com/v1/webhooks/conn_1/dlr?smsflow_mid=${MID}`;
const adapter = createTwilioAdapter({ id: 'conn_1', provider: 'twilio', config: { accountSid: ACCOUNT, baseUrl: 'http://127.0.0.1:9' }, credentials: { authToken: TOKEN } });

function signed(params: Record<string, string>, opts: { url?: string; token?: string } = {}): WebhookRequest {
  const pairs = Object.entries(params);
  return {
    url: URL_DLR,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': computeTwilioSignature(opts.token ?? TOKEN, opts.url ?? URL_DLR, pairs) },
    rawBody: new URLSearchParams(pairs).toString(),
  };
}

/** The documented example of providers.md §1.2 (undelivered, 30003, RawDlrDoneDate). */
const UNDELIVERED = {
  AccountSid: ACCOUNT,
  ApiVersion: '2010-04-01',
  ErrorCode: '30003',
  From: '+15555550100',
  MessageSid: 'SM0000000000000000000000000000a1b2',
  MessageStatus: 'undelivered',
  RawDlrDoneDate: '2501151432',
  SmsSid: 'SM0000000000000000000000000000a1b2',
  SmsStatus: 'undelivered',
  To: '+15555550123',
};

describe('twilio adapter: webhook signature', () => {
  it('accepts X-Twilio-Signature over the URL (query included) and the sorted form parameters', () => {
    expect(adapter.verifyWebhook(signed(UNDELIVERED))).toBe(true);
  });
  it('refuses a tampered body', () => {
    const req = signed(UNDELIVERED);
    expect(adapter.verifyWebhook({ ...req, rawBody: req.rawBody.replace('undelivered', 'delivered') })).toBe(false);
  });
  it('refuses a signature made for another URL, so our message id in the query cannot be swapped', () => {
    expect(adapter.verifyWebhook(signed(UNDELIVERED, { url: URL_DLR.replace('0001', '0002') }))).toBe(false);
  });
  it('refuses a wrong token and a missing header (Twilio signs no timestamp: nothing stale to check)', () => {
    expect(adapter.verifyWebhook(signed(UNDELIVERED, { token: 'other' }))).toBe(false);
    expect(adapter.verifyWebhook({ ...signed(UNDELIVERED), headers: {} })).toBe(false);
  });
});

describe('twilio adapter: status callbacks', () => {
  it('maps undelivered + 30003 to undelivered/unreachable, keeps the zone-less done date raw, reads our id from the URL', () => {
    expect(adapter.parseDlr(signed(UNDELIVERED))).toEqual([
      {
        providerMessageId: UNDELIVERED.MessageSid,
        ourMessageId: MID,
        status: 'undelivered',
        reason: 'unreachable',
        providerStatus: 'undelivered',
        providerErrorCode: '30003',
        providerTimestampRaw: '2501151432',
        dedupeKey: `${UNDELIVERED.MessageSid}:undelivered:30003`,
      },
    ]);
  });
  it.each([
    ['sent', undefined, 'sent', undefined],
    ['delivered', undefined, 'delivered', undefined],
    ['failed', '21610', 'rejected', 'opted_out'],
    ['failed', '30034', 'rejected', 'sender_not_allowed'],
    ['failed', '30001', 'failed', 'provider_error'],
    ['undelivered', '30005', 'undelivered', 'invalid_number'],
    ['undelivered', '30006', 'undelivered', 'not_sms_capable'],
    ['undelivered', '30007', 'undelivered', 'blocked_spam'],
    ['canceled', undefined, 'failed', 'canceled'],
    ['partially_delivered', undefined, 'undelivered', 'carrier_rejected'],
  ])('MessageStatus=%s ErrorCode=%s → %s (%s)', (status, code, expected, reason) => {
    const [dlr] = adapter.parseDlr(signed({ MessageSid: 'SM1', MessageStatus: status, ...(code ? { ErrorCode: code } : {}) }));
    expect(dlr?.status).toBe(expected);
    expect(dlr?.reason).toBe(reason);
  });
  it('refuses a callback without MessageSid', () => {
    expect(() => adapter.parseDlr(signed({ MessageStatus: 'sent' }))).toThrow(WebhookPayloadError);
  });
  it('V48: delivered then a late sent leaves the message delivered', () => {
    const [v] = loadVectors('dlr-state-ordering').filter((x) => x.id === 'V48');
    const input = v!.input as { message_sid: string; callbacks_in_arrival_order: Array<{ MessageStatus: string }> };
    let state = initialMessageState('submitted');
    for (const cb of input.callbacks_in_arrival_order) {
      const [dlr] = adapter.parseDlr(signed({ MessageSid: input.message_sid, ...cb }));
      state = applyMessageEvent(state, toDlrEvent(dlr!)).state;
    }
    expect(state.status).toBe((v!.expected as { final_status: string }).final_status);
  });
});

describe('twilio adapter: inbound messages and config', () => {
  it('parses an inbound message', () => {
    const mo = adapter.parseMo(signed({ MessageSid: 'SMmo1', From: '+15555550123', To: '+15555550100', Body: 'STOP', NumSegments: '1' }));
    expect(mo).toEqual([{ providerMessageId: 'SMmo1', from: '+15555550123', to: '+15555550100', body: 'STOP', dedupeKey: 'SMmo1' }]);
  });
  it('refuses a connection without an account SID, naming the field', () => {
    expect(() => createTwilioAdapter({ id: 'c', provider: 'twilio', config: {}, credentials: { authToken: 't' } })).toThrow(ProviderConfigError);
    try {
      createTwilioAdapter({ id: 'c', provider: 'twilio', config: {}, credentials: { authToken: 't' } });
    } catch (err) {
      expect((err as ProviderConfigError).field).toBe('config.accountSid');
    }
  });
});
