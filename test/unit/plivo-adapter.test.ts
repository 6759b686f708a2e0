import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createPlivoAdapter } from '../../src/providers/plivo/plivo-adapter.js';
import { computePlivoV2Signature, computePlivoV3Signature, plivoV3Base } from '../../src/providers/plivo/plivo-signature.js';

const TOKEN = 'plivo_token_test';
const MID = '7d3e0c1a-0000-4000-8000-000000000001';
const URL_DLR = `https://hooks.example.com/v1/webhooks/conn_1/dlr?smsflow_mid=${MID}`;
const adapter = createPlivoAdapter({ id: 'conn_1', provider: 'plivo', config: { authId: 'MAXXXXXXXXXXXXXXXXXX', baseUrl: 'http://127.0.0.1:9' }, credentials: { authToken: TOKEN } });

/** The documented callback of providers.md §3.2 (undelivered, ErrorCode 80, zone-less times). */
const DLR = {
  From: '15555550100',
  To: '15555550123',
  MessageUUID: '3f0c5a3e-0000-4000-8000-00000000abcd',
  Type: 'sms',
  Status: 'undelivered',
  ErrorCode: '80',
  Units: '1',
  TotalRate: '0.0050',
  TotalAmount: '0.0050',
  MCC: '310',
  MNC: '260',
  Sequence: '3',
  MessageTime: '2025-01-15 14:31:59.120000',
  SentTime: '2025-01-15 14:32:00.004000',
  DeliveryReportTime: '2025-01-15 14:32:41.870000',
  PowerpackUUID: '',
};

function signed(params: Record<string, string>, opts: { url?: string; token?: string; v2Only?: boolean } = {}): WebhookRequest {
  const pairs = Object.entries(params);
  const nonce = '05429567804466091622';
  const headers: Record<string, string> = opts.v2Only
    ? { 'x-plivo-signature-v2': computePlivoV2Signature(opts.token ?? TOKEN, opts.url ?? URL_DLR, nonce), 'x-plivo-signature-v2-nonce': nonce }
    : { 'x-plivo-signature-v3': computePlivoV3Signature(opts.token ?? TOKEN, opts.url ?? URL_DLR, pairs, nonce), 'x-plivo-signature-v3-nonce': nonce };
  return { url: URL_DLR, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, rawBody: new URLSearchParams(pairs).toString() };
}

describe('plivo adapter: webhook signature', () => {
  it('builds the V3 string as URL ? sorted query . sorted k+v params', () => {
    expect(plivoV3Base('https://h.example/p?b=2&a=1', [['Z', '9'], ['A', 'x']])).toBe('https://h.example/p?a=1&b=2.AxZ9');
    expect(plivoV3Base('https://h.example/p', [['A', 'x']])).toBe('https://h.example/p?Ax');
    expect(plivoV3Base('https://h.example/p', [])).toBe('https://h.example/p');
  });
  it('accepts a V3 signature, also among several (token rotation)', () => {
    const req = signed(DLR);
    expect(adapter.verifyWebhook(req)).toBe(true);
    expect(adapter.verifyWebhook({ ...req, headers: { ...req.headers, 'x-plivo-signature-v3': `AAAA, ${req.headers['x-plivo-signature-v3']}` } })).toBe(true);
  });
  it('refuses a tampered body under V3', () => {
    const req = signed(DLR);
    expect(adapter.verifyWebhook({ ...req, rawBody: req.rawBody.replace('undelivered', 'delivered') })).toBe(false);
  });
  it('refuses another URL (V3 covers the query holding our message id)', () => {
    expect(adapter.verifyWebhook(signed(DLR, { url: URL_DLR.replace('0001', '0002') }))).toBe(false);
  });
  it('V2 only: accepts the path + nonce signature, refuses a wrong token; no timestamp exists to be stale', () => {
    expect(adapter.verifyWebhook(signed(DLR, { v2Only: true }))).toBe(true);
    expect(adapter.verifyWebhook(signed(DLR, { v2Only: true, token: 'other' }))).toBe(false);
    expect(adapter.verifyWebhook({ ...signed(DLR), headers: {} })).toBe(false);
  });
});

describe('plivo adapter: callbacks', () => {
  it('parses the documented callback: our id from the signed URL, zone-less time kept raw', () => {
    expect(adapter.parseDlr(signed(DLR))).toEqual([
      {
        providerMessageId: DLR.MessageUUID,
        ourMessageId: MID,
        status: 'undelivered',
        reason: 'unreachable',
        providerStatus: 'undelivered',
        providerErrorCode: '80',
        providerTimestampRaw: '2025-01-15 14:32:41.870000',
        dedupeKey: `${DLR.MessageUUID}:3:undelivered`,
      },
    ]);
  });
  it.each([
    ['sent', '', 'sent', undefined],
    ['delivered', '000', 'delivered', undefined],
    ['failed', '200', 'rejected', 'opted_out'],
    ['failed', '30', 'rejected', 'blocked_spam'],
    ['failed', '50', 'rejected', 'invalid_number'],
    ['failed', '900', 'failed', 'insufficient_funds'],
    ['undelivered', '420', 'expired', 'expired'],
  ])('Status=%s ErrorCode=%s → %s (%s)', (status, code, expected, reason) => {
    const [dlr] = adapter.parseDlr(signed({ ...DLR, Status: status, ErrorCode: code }));
    expect(dlr?.status).toBe(expected);
    expect(dlr?.reason).toBe(reason);
  });
  it('parses an inbound message', () => {
    expect(adapter.parseMo(signed({ From: '15555550123', To: '15555550100', Text: 'STOP', Type: 'sms', MessageUUID: 'mo-1', MessageIntent: 'optout' }))).toEqual([
      { providerMessageId: 'mo-1', from: '+15555550123', to: '15555550100', body: 'STOP', dedupeKey: 'mo-1' },
    ]);
  });
});
