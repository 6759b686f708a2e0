import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createSinchAdapter } from '../../src/providers/sinch/sinch-adapter.js';
import { computeSinchSignature } from '../../src/providers/sinch/sinch-signature.js';

const NOW_MS = Date.parse('2025-01-15T14:32:10Z');
const NOW_S = NOW_MS / 1000;
const SECRET = 'sinch_hmac_secret';
const URL_DLR = 'https://hooks.example.com/v1/webhooks/conn_1/dlr';
const adapter = createSinchAdapter({ id: 'conn_1', provider: 'sinch', config: { servicePlanId: 'abcdef0123456789', baseUrl: 'http://127.0.0.1:9' }, credentials: { apiToken: 't', webhookSecret: SECRET } }, { now: () => NOW_MS });

/** The documented per-recipient report of providers.md §4.2. */
const REPORT = {
  type: 'recipient_delivery_report_sms',
  batch_id: '01JHB5Q7ZK3M8Y4W2T6V9R0PXA',
  recipient: '15555550123',
  code: 0,
  status: 'Delivered',
  at: '2025-01-15T14:32:09.412Z',
  operator_status_at: '2025-01-15T14:32:00Z',
  client_reference: '7d3e0c1a-0000-4000-8000-000000000001',
  number_of_message_parts: 1,
};

function signed(payload: unknown, opts: { t?: number; secret?: string } = {}): WebhookRequest {
  const rawBody = JSON.stringify(payload);
  const t = String(opts.t ?? NOW_S);
  return {
    url: URL_DLR,
    method: 'POST',
    headers: {
      'x-sinch-webhook-signature': computeSinchSignature(opts.secret ?? SECRET, rawBody, 'nonce-1', t),
      'x-sinch-webhook-signature-timestamp': t,
      'x-sinch-webhook-signature-nonce': 'nonce-1',
      'x-sinch-webhook-signature-algorithm': 'HmacSHA256',
    },
    rawBody,
  };
}

describe('sinch adapter: callback HMAC', () => {
  it('accepts a fresh signature of body.nonce.timestamp', () => {
    expect(adapter.verifyWebhook(signed(REPORT))).toBe(true);
  });
  it('refuses a tampered body and a swapped nonce', () => {
    const req = signed(REPORT);
    expect(adapter.verifyWebhook({ ...req, rawBody: req.rawBody.replace('Delivered', 'Failed') })).toBe(false);
    expect(adapter.verifyWebhook({ ...req, headers: { ...req.headers, 'x-sinch-webhook-signature-nonce': 'nonce-2' } })).toBe(false);
  });
  it('refuses a stale timestamp and an unsigned call; the URL is not covered by Sinch', () => {
    expect(adapter.verifyWebhook(signed(REPORT, { t: NOW_S - 301 }))).toBe(false);
    expect(adapter.verifyWebhook({ ...signed(REPORT), headers: {} })).toBe(false);
    expect(adapter.verifyWebhook({ ...signed(REPORT), url: `${URL_DLR}?x=1` })).toBe(true);
  });
  it('refuses a wrong secret', () => {
    expect(adapter.verifyWebhook(signed(REPORT, { secret: 'other' }))).toBe(false);
  });
});

describe('sinch adapter: reports', () => {
  it('parses the documented per-recipient report', () => {
    expect(adapter.parseDlr(signed(REPORT))).toEqual([
      {
        providerMessageId: REPORT.batch_id,
        ourMessageId: REPORT.client_reference,
        status: 'delivered',
        providerStatus: 'Delivered',
        providerErrorCode: '0',
        providerTimestampRaw: '2025-01-15T14:32:09.412Z',
        eventAt: '2025-01-15T14:32:09.412Z',
        dedupeKey: `${REPORT.batch_id}:15555550123:Delivered:0:2025-01-15T14:32:09.412Z`,
      },
    ]);
  });
  it.each([
    ['Dispatched', 401, 'sent', undefined],
    ['Failed', 404, 'undelivered', 'unreachable'],
    ['Aborted', 406, 'expired', 'expired'],
    ['Aborted', 402, 'failed', 'carrier_rejected'],
    ['Cancelled', 407, 'failed', 'canceled'],
    ['Rejected', 408, 'rejected', 'carrier_rejected'],
    ['Expired', 0, 'expired', 'expired'],
    ['Unknown', 0, 'unknown', 'unknown'],
  ])('status=%s code=%s → %s (%s)', (status, code, expected, reason) => {
    const [dlr] = adapter.parseDlr(signed({ ...REPORT, status, code }));
    expect(dlr?.status).toBe(expected);
    expect(dlr?.reason).toBe(reason);
  });
  it('expands a summary report per listed recipient', () => {
    const dlrs = adapter.parseDlr(signed({ type: 'delivery_report_sms', batch_id: 'B1', statuses: [{ code: 0, status: 'Delivered', count: 2, recipients: ['1555', '1556'] }] }));
    expect(dlrs.map((d) => [d.providerMessageId, d.status])).toEqual([['B1', 'delivered'], ['B1', 'delivered']]);
  });
  it('parses an mo_text', () => {
    expect(adapter.parseMo(signed({ type: 'mo_text', id: 'MO1', from: '15555550123', to: '15555550100', body: 'HELP', received_at: '2025-01-15T14:40:02Z' }))).toEqual([
      { providerMessageId: 'MO1', from: '+15555550123', to: '15555550100', body: 'HELP', receivedAt: '2025-01-15T14:40:02.000Z', dedupeKey: 'MO1' },
    ]);
  });
});
