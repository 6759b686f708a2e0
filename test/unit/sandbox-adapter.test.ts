import { describe, expect, it } from 'vitest';
import { ProviderConfigError, WebhookPayloadError } from '../../src/providers/provider-adapter.js';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createProviderAdapter, UnknownProviderError } from '../../src/providers/provider-registry.js';
import { createSandboxAdapter } from '../../src/providers/sandbox/sandbox-adapter.js';
import {
  computeSandboxSignature,
  formatSandboxSignatureHeader,
} from '../../src/providers/sandbox/sandbox-signature.js';
import { timingSafeEqual } from '../../src/providers/timing-safe-equal.js';

const NOW_MS = Date.parse('2025-01-15T14:32:00Z');
const NOW_S = NOW_MS / 1000;
const SECRET = 'whsec_test';
const URL_DLR = 'https://hooks.example.com/v1/webhooks/conn_1/dlr?x=1';

const adapter = createSandboxAdapter(
  {
    id: 'conn_1',
    provider: 'sandbox',
    config: { baseUrl: 'http://127.0.0.1:9' },
    credentials: { apiKey: 'sk_test', webhookSecret: SECRET },
  },
  { now: () => NOW_MS },
);

function signed(payload: unknown, opts: { t?: number; url?: string; secret?: string } = {}): WebhookRequest {
  const rawBody = JSON.stringify(payload);
  const header = formatSandboxSignatureHeader(
    opts.secret ?? SECRET,
    opts.t ?? NOW_S,
    opts.url ?? URL_DLR,
    rawBody,
  );
  return { url: URL_DLR, method: 'POST', headers: { 'x-sandbox-signature': header }, rawBody };
}

const dlr = (extra: Record<string, unknown>) => ({
  id: 'SB0123456789abcdef0123456789abcdef',
  client_ref: '7d3e0c1a-0000-4000-8000-000000000001',
  status: 'delivered',
  timestamp: '2025-01-15T14:31:58.120Z',
  seq: 2,
  ...extra,
});

describe('sandbox adapter: webhook signature', () => {
  it('accepts a fresh signature over this URL and body', () => {
    expect(adapter.verifyWebhook(signed(dlr({})))).toBe(true);
  });

  it('refuses a tampered body', () => {
    const req = signed(dlr({}));
    expect(adapter.verifyWebhook({ ...req, rawBody: req.rawBody.replace('delivered', 'failed') })).toBe(
      false,
    );
  });

  it('refuses a signature made for another URL (query included)', () => {
    expect(adapter.verifyWebhook(signed(dlr({}), { url: URL_DLR.replace('x=1', 'x=2') }))).toBe(false);
  });

  it('refuses a timestamp older than 5 minutes, or as far in the future', () => {
    expect(adapter.verifyWebhook(signed(dlr({}), { t: NOW_S - 299 }))).toBe(true);
    expect(adapter.verifyWebhook(signed(dlr({}), { t: NOW_S - 301 }))).toBe(false);
    expect(adapter.verifyWebhook(signed(dlr({}), { t: NOW_S + 301 }))).toBe(false);
  });

  it('refuses a wrong secret, a missing or malformed header', () => {
    const req = signed(dlr({}), { secret: 'other' });
    expect(adapter.verifyWebhook(req)).toBe(false);
    expect(adapter.verifyWebhook({ ...req, headers: {} })).toBe(false);
    expect(adapter.verifyWebhook({ ...req, headers: { 'x-sandbox-signature': 'v1=abc' } })).toBe(false);
    expect(adapter.verifyWebhook({ ...req, headers: { 'x-sandbox-signature': `t=${NOW_S}` } })).toBe(false);
  });

  it('accepts any one of several v1 digests (secret rotation)', () => {
    const req = signed(dlr({}));
    const good = computeSandboxSignature(SECRET, NOW_S, URL_DLR, req.rawBody);
    const header = `t=${NOW_S},v1=${'0'.repeat(64)},v1=${good}`;
    expect(adapter.verifyWebhook({ ...req, headers: { 'x-sandbox-signature': header } })).toBe(true);
  });

  it('compares in constant time and refuses different lengths', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
  });
});

describe('sandbox adapter: DLR parsing', () => {
  it.each([
    [{ status: 'sent', seq: 1 }, { status: 'sent' }],
    [{ status: 'delivered' }, { status: 'delivered' }],
    [
      { status: 'undelivered', error_code: 30003, error_text: 'Unreachable destination handset' },
      {
        status: 'undelivered',
        reason: 'unreachable',
        providerErrorCode: '30003',
        providerErrorText: 'Unreachable destination handset',
      },
    ],
    [
      { status: 'undelivered', error_code: 30007 },
      { status: 'undelivered', reason: 'blocked_spam' },
    ],
    [{ status: 'undelivered' }, { status: 'undelivered', reason: 'unknown' }],
    [
      { status: 'failed', error_code: 30001 },
      { status: 'failed', reason: 'provider_error' },
    ],
    [
      { status: 'failed', error_code: '21610' },
      { status: 'rejected', reason: 'opted_out', providerErrorCode: '21610' },
    ],
    [
      { status: 'failed', error_code: 99999 },
      { status: 'failed', reason: 'provider_error' },
    ],
    [
      { status: 'expired', error_code: 30036 },
      { status: 'expired', reason: 'expired' },
    ],
  ])('maps %j', (extra, expected) => {
    const [parsed] = adapter.parseDlr(signed(dlr(extra)));
    expect(parsed).toMatchObject({ ...expected, providerStatus: extra.status });
    if (!('reason' in expected)) expect(parsed?.reason).toBeUndefined();
  });

  it('keeps ids, seq-based dedupe key, part and timestamps', () => {
    const [parsed] = adapter.parseDlr(
      signed(
        dlr({
          status: 'sent',
          seq: 3,
          timestamp: '2025-01-15T16:31:58+02:00',
          part: { index: 2, total: 3 },
          extra_field: 'ignored',
        }),
      ),
    );
    expect(parsed).toEqual({
      providerMessageId: 'SB0123456789abcdef0123456789abcdef',
      ourMessageId: '7d3e0c1a-0000-4000-8000-000000000001',
      status: 'sent',
      providerStatus: 'sent',
      part: { index: 2, total: 3 },
      eventAt: '2025-01-15T14:31:58.000Z',
      providerTimestampRaw: '2025-01-15T16:31:58+02:00',
      dedupeKey: 'SB0123456789abcdef0123456789abcdef:sent:3',
    });
  });

  it.each([
    ['not json', 'body'],
    [JSON.stringify([]), 'body'],
    [JSON.stringify(dlr({ id: undefined })), 'id'],
    [JSON.stringify(dlr({ status: 'read' })), 'status'],
    [JSON.stringify(dlr({ timestamp: '2025-01-15 14:31:58' })), 'timestamp'],
    [JSON.stringify(dlr({ seq: 'x' })), 'seq'],
    [JSON.stringify(dlr({ part: { index: 0, total: 2 } })), 'part.index'],
  ])('throws WebhookPayloadError for %s', (rawBody, field) => {
    const req: WebhookRequest = { url: URL_DLR, method: 'POST', headers: {}, rawBody };
    expect(() => adapter.parseDlr(req)).toThrow(WebhookPayloadError);
    try {
      adapter.parseDlr(req);
    } catch (err) {
      expect(err).toMatchObject({ code: 'webhook_payload_invalid', field });
    }
  });
});

describe('sandbox adapter: MO parsing', () => {
  const mo = {
    id: 'MO00aa',
    from: '+15555550123',
    to: '+15555550100',
    body: 'STOP',
    received_at: '2025-01-15T14:31:58Z',
  };

  it('parses a single MO', () => {
    expect(adapter.parseMo(signed(mo))).toEqual([
      {
        providerMessageId: 'MO00aa',
        from: '+15555550123',
        to: '+15555550100',
        body: 'STOP',
        receivedAt: '2025-01-15T14:31:58.000Z',
        dedupeKey: 'MO00aa',
      },
    ]);
  });

  it('parses one part of a concatenated MO', () => {
    const [parsed] = adapter.parseMo(signed({ ...mo, concat: { ref: '0A', index: 2, total: 3 } }));
    expect(parsed?.concat).toEqual({ ref: '0A', index: 2, total: 3 });
  });

  it('throws WebhookPayloadError naming the missing field', () => {
    expect(() => adapter.parseMo(signed({ ...mo, from: undefined }))).toThrow(
      expect.objectContaining({ field: 'from' }),
    );
  });
});

describe('provider registry', () => {
  const conn = {
    id: 'c',
    provider: 'sandbox',
    config: { baseUrl: 'http://127.0.0.1:9' },
    credentials: { apiKey: 'k', webhookSecret: 's' },
  };

  it('creates the sandbox adapter, which dedupes on our client reference', () => {
    expect(createProviderAdapter(conn)).toMatchObject({
      provider: 'sandbox',
      idempotentClientReference: true,
    });
  });

  it('throws UnknownProviderError for a provider without adapter', () => {
    expect(() => createProviderAdapter({ ...conn, provider: 'carrier-pigeon' })).toThrow(
      UnknownProviderError,
    );
  });

  it('throws ProviderConfigError naming the bad field, never its value', () => {
    expect(() => createProviderAdapter({ ...conn, config: {} })).toThrow(
      expect.objectContaining({ field: 'config.baseUrl' }),
    );
    const secretless = { ...conn, credentials: { apiKey: 'super-secret-key' } };
    expect(() => createProviderAdapter(secretless)).toThrow(ProviderConfigError);
    expect(() => createProviderAdapter(secretless)).toThrow(/credentials\.webhookSecret/);
    expect(() => createProviderAdapter(secretless)).not.toThrow(/super-secret-key/);
  });
});
