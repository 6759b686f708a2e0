import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createVonageAdapter } from '../../src/providers/vonage/vonage-adapter.js';
import { computeVonageSignature } from '../../src/providers/vonage/vonage-signature.js';
import { loadVectors } from '../helpers/vectors.js';

const NOW_MS = Date.parse('2025-01-15T14:32:10Z');
const NOW_S = NOW_MS / 1000;
const SECRET = 'vonage_sig_secret';
const URL_DLR = 'https://hooks.example.com/v1/webhooks/conn_1/dlr';
const make = (config: Record<string, unknown> = {}) =>
  createVonageAdapter(
    { id: 'conn_1', provider: 'vonage', config: { baseUrl: 'http://127.0.0.1:9', signatureMethod: 'md5hash', ...config }, credentials: { apiKey: 'abcd1234', apiSecret: 's', signatureSecret: SECRET } },
    { now: () => NOW_MS },
  );
const adapter = make();

/** The documented DLR of providers.md §2.2. */
const DLR = {
  msisdn: '15555550123',
  to: '15555550100',
  'network-code': '310260',
  messageId: '0A00000012AB34C1',
  price: '0.00750000',
  status: 'delivered',
  scts: '2501151432',
  'err-code': '0',
  'api-key': 'abcd1234',
  'client-ref': '7d3e0c1a-0000-4000-8000-000000000001',
  'message-timestamp': '2025-01-15 14:32:07',
};

function signed(params: Record<string, string>, opts: { t?: number; secret?: string; method?: 'md5hash' | 'sha256'; as?: 'json' | 'form' | 'get' } = {}): WebhookRequest {
  const all = { ...params, timestamp: String(opts.t ?? NOW_S), nonce: 'n0nce' };
  const withSig = { ...all, sig: computeVonageSignature(all, opts.secret ?? SECRET, opts.method ?? 'md5hash') };
  if (opts.as === 'get') return { url: `${URL_DLR}?${new URLSearchParams(withSig).toString()}`, method: 'GET', headers: {}, rawBody: '' };
  if (opts.as === 'form') return { url: URL_DLR, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: new URLSearchParams(withSig).toString() };
  return { url: URL_DLR, method: 'POST', headers: { 'content-type': 'application/json' }, rawBody: JSON.stringify(withSig) };
}

describe('vonage adapter: signed webhooks', () => {
  it.each(['json', 'form', 'get'] as const)('accepts a fresh md5hash signature on a %s DLR', (as) => {
    expect(adapter.verifyWebhook(signed(DLR, { as }))).toBe(true);
  });
  it('accepts the HMAC-SHA256 method when the connection is set to it, and not md5hash then', () => {
    expect(make({ signatureMethod: 'sha256' }).verifyWebhook(signed(DLR, { method: 'sha256' }))).toBe(true);
    expect(make({ signatureMethod: 'sha256' }).verifyWebhook(signed(DLR))).toBe(false);
  });
  it('refuses a tampered body', () => {
    const req = signed(DLR);
    expect(adapter.verifyWebhook({ ...req, rawBody: req.rawBody.replace('"delivered"', '"failed"') })).toBe(false);
  });
  it('refuses a stale or future timestamp (±5 minutes)', () => {
    expect(adapter.verifyWebhook(signed(DLR, { t: NOW_S - 299 }))).toBe(true);
    expect(adapter.verifyWebhook(signed(DLR, { t: NOW_S - 301 }))).toBe(false);
    expect(adapter.verifyWebhook(signed(DLR, { t: NOW_S + 301 }))).toBe(false);
  });
  it('refuses a wrong secret and an unsigned DLR; the URL is not signed by Vonage, so only the params matter', () => {
    expect(adapter.verifyWebhook(signed(DLR, { secret: 'other' }))).toBe(false);
    expect(adapter.verifyWebhook({ url: URL_DLR, method: 'POST', headers: {}, rawBody: JSON.stringify(DLR) })).toBe(false);
    expect(adapter.verifyWebhook({ ...signed(DLR), url: `${URL_DLR}?other=1` })).toBe(true);
  });
});

describe('vonage adapter: DLRs', () => {
  it('parses the documented DLR: client-ref is our id, scts kept raw, message-timestamp read as UTC', () => {
    expect(adapter.parseDlr(signed(DLR))).toEqual([
      {
        providerMessageId: '0A00000012AB34C1',
        ourMessageId: DLR['client-ref'],
        status: 'delivered',
        providerStatus: 'delivered',
        providerErrorCode: '0',
        eventAt: '2025-01-15T14:32:07.000Z',
        providerTimestampRaw: '2501151432',
        dedupeKey: '0A00000012AB34C1:delivered:0:2501151432',
      },
    ]);
  });
  it('V51: an expired DLR is final and not delivered', () => {
    const [v] = loadVectors('dlr-parsing').filter((x) => x.id === 'V51');
    const [dlr] = adapter.parseDlr(signed((v!.input as { dlr_params: Record<string, string> }).dlr_params));
    expect(dlr?.status).toBe((v!.expected as { status: string }).status);
    expect(dlr?.status).not.toBe('delivered');
  });
  it.each([
    ['accepted', '0', false, 'sent', undefined],
    ['buffered', '0', false, 'sent', undefined],
    ['failed', '2', false, 'undelivered', 'unreachable'],
    ['failed', '9', false, 'rejected', 'invalid_number'],
    ['failed', '9', true, 'rejected', 'opted_out'],
    ['rejected', '6', false, 'rejected', 'blocked_spam'],
    ['unknown', '1', false, 'unknown', 'unknown'],
  ])('status=%s err-code=%s (opt-out assist %s) → %s (%s)', (status, err, assist, expected, reason) => {
    const [dlr] = make({ optOutAssist: assist }).parseDlr(signed({ ...DLR, status, 'err-code': err }));
    expect(dlr?.status).toBe(expected);
    expect(dlr?.reason).toBe(reason);
  });
  it('gives each part receipt its own dedupe key (one DLR per segment, own messageId)', () => {
    const a = adapter.parseDlr(signed(DLR))[0]!;
    const b = adapter.parseDlr(signed({ ...DLR, messageId: '0A00000012AB34C2' }))[0]!;
    expect(a.ourMessageId).toBe(b.ourMessageId);
    expect(a.dedupeKey).not.toBe(b.dedupeKey);
  });
});

describe('vonage adapter: inbound', () => {
  it('parses one part of a concatenated MO Vonage did not reassemble', () => {
    const [mo] = adapter.parseMo(
      signed({ msisdn: '15555550123', to: '15555550100', messageId: '0B00000098FEDC10', text: 'Please stop sending me ', type: 'text', keyword: 'PLEASE', 'message-timestamp': '2025-01-15 14:40:02', concat: 'true', 'concat-ref': '77', 'concat-total': '2', 'concat-part': '1' }, { as: 'get' }),
    );
    expect(mo).toEqual({
      providerMessageId: '0B00000098FEDC10',
      from: '+15555550123',
      to: '15555550100',
      body: 'Please stop sending me ',
      receivedAt: '2025-01-15T14:40:02.000Z',
      concat: { ref: '77', index: 1, total: 2 },
      dedupeKey: '0B00000098FEDC10',
    });
  });
});
