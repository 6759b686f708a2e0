import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProviderConfigError } from '../../src/providers/provider-adapter.js';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createTelnyxAdapter } from '../../src/providers/telnyx/telnyx-adapter.js';

const NOW_MS = Date.parse('2025-01-15T14:32:10Z');
const NOW_S = NOW_MS / 1000;
const URL_DLR = 'https://hooks.example.com/v1/webhooks/conn_1/dlr';
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519').privateKey;
const PUBLIC_B64 = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
const adapter = createTelnyxAdapter({ id: 'conn_1', provider: 'telnyx', config: { baseUrl: 'http://127.0.0.1:9' }, credentials: { apiKey: 'KEY', publicKey: PUBLIC_B64 } }, { now: () => NOW_MS });

/** The documented `message.finalized` event of providers.md §5.2 (delivery_failed, 40002), with our tag. */
const FINALIZED = {
  data: {
    event_type: 'message.finalized',
    id: 'b6e0a7d2-0000-4000-8000-00000000e001',
    occurred_at: '2025-01-15T14:32:10.018+00:00',
    record_type: 'event',
    payload: {
      id: '40385f64-0000-4000-8000-0000000000aa',
      record_type: 'message',
      direction: 'outbound',
      type: 'SMS',
      text: 'Hi Ann, your code is 0000',
      from: { phone_number: '+15555550100' },
      to: [{ phone_number: '+15555550123', status: 'delivery_failed', carrier: 'T-MOBILE USA, INC.', line_type: 'Wireless' }],
      errors: [{ code: '40002', title: 'Blocked as spam - temporary' }],
      parts: 1,
      tags: ['smsflow:7d3e0c1a-0000-4000-8000-000000000001'],
    },
  },
  meta: { attempt: 1, delivered_to: URL_DLR },
};

function signed(event: unknown, opts: { t?: number; key?: typeof privateKey } = {}): WebhookRequest {
  const rawBody = JSON.stringify(event);
  const t = String(opts.t ?? NOW_S);
  return { url: URL_DLR, method: 'POST', headers: { 'telnyx-timestamp': t, 'telnyx-signature-ed25519': sign(null, Buffer.from(`${t}|${rawBody}`), opts.key ?? privateKey).toString('base64') }, rawBody };
}

describe('telnyx adapter: Ed25519 webhook signature', () => {
  it('accepts a fresh signature of timestamp|body', () => {
    expect(adapter.verifyWebhook(signed(FINALIZED))).toBe(true);
  });
  it('refuses a tampered body', () => {
    const req = signed(FINALIZED);
    expect(adapter.verifyWebhook({ ...req, rawBody: req.rawBody.replace('delivery_failed', 'delivered') })).toBe(false);
  });
  it('refuses a signature by another key and a missing header', () => {
    expect(adapter.verifyWebhook(signed(FINALIZED, { key: other }))).toBe(false);
    expect(adapter.verifyWebhook({ ...signed(FINALIZED), headers: {} })).toBe(false);
  });
  it('refuses a stale or future timestamp (±300 s); the URL is not part of the scheme', () => {
    expect(adapter.verifyWebhook(signed(FINALIZED, { t: NOW_S - 301 }))).toBe(false);
    expect(adapter.verifyWebhook(signed(FINALIZED, { t: NOW_S + 301 }))).toBe(false);
    expect(adapter.verifyWebhook({ ...signed(FINALIZED), url: `${URL_DLR}?x=1` })).toBe(true);
  });
  it('refuses a public key that is not 32 bytes at connection creation', () => {
    expect(() => createTelnyxAdapter({ id: 'c', provider: 'telnyx', config: {}, credentials: { apiKey: 'k', publicKey: 'c2hvcnQ=' } })).toThrow(ProviderConfigError);
  });
});

describe('telnyx adapter: events', () => {
  it('parses the documented finalized event: our id from tags, zoned occurred_at', () => {
    expect(adapter.parseDlr(signed(FINALIZED))).toEqual([
      {
        providerMessageId: '40385f64-0000-4000-8000-0000000000aa',
        ourMessageId: '7d3e0c1a-0000-4000-8000-000000000001',
        status: 'undelivered',
        reason: 'blocked_spam',
        providerStatus: 'delivery_failed',
        providerErrorCode: '40002',
        providerErrorText: 'Blocked as spam - temporary',
        providerTimestampRaw: '2025-01-15T14:32:10.018+00:00',
        eventAt: '2025-01-15T14:32:10.018Z',
        dedupeKey: 'b6e0a7d2-0000-4000-8000-00000000e001',
      },
    ]);
  });
  it.each([
    ['sent', undefined, 'sent', undefined],
    ['delivered', undefined, 'delivered', undefined],
    ['delivery_failed', '40300', 'rejected', 'opted_out'],
    ['sending_failed', '40012', 'rejected', 'invalid_number'],
    ['sending_failed', '40009', 'failed', 'provider_error'],
    ['delivery_unconfirmed', undefined, 'unknown', 'unknown'],
    ['expired', undefined, 'expired', 'expired'],
  ])('to[].status=%s code=%s → %s (%s)', (status, code, expected, reason) => {
    const event = structuredClone(FINALIZED);
    event.data.payload.to[0]!.status = status;
    event.data.payload.errors = code === undefined ? [] : [{ code, title: 't' }];
    const [dlr] = adapter.parseDlr(signed(event));
    expect(dlr?.status).toBe(expected);
    expect(dlr?.reason).toBe(reason);
  });
  it('parses message.received as an MO and ignores it as a DLR', () => {
    const event = { data: { event_type: 'message.received', id: 'ev-2', payload: { id: 'mo-1', text: 'STOP', from: { phone_number: '+15555550123' }, to: [{ phone_number: '+15555550100', status: 'webhook_delivered' }], received_at: '2025-01-15T14:40:02.000+00:00' } } };
    expect(adapter.parseMo(signed(event))).toEqual([{ providerMessageId: 'mo-1', from: '+15555550123', to: '+15555550100', body: 'STOP', receivedAt: '2025-01-15T14:40:02.000Z', dedupeKey: 'mo-1' }]);
    expect(adapter.parseDlr(signed(event))).toEqual([]);
  });
});
