import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createMessageBirdAdapter } from '../../src/providers/messagebird/messagebird-adapter.js';
import { signMessageBirdJwt } from '../../src/providers/messagebird/messagebird-signature.js';

const NOW_MS = Date.parse('2025-01-15T14:32:10Z');
const NOW_S = NOW_MS / 1000;
const KEY = 'mb_signing_key';
const BASE = 'https://hooks.example.com/v1/webhooks/conn_1/dlr';
const adapter = createMessageBirdAdapter({ id: 'conn_1', provider: 'messagebird', config: { baseUrl: 'http://127.0.0.1:9' }, credentials: { accessKey: 'a', signingKey: KEY } }, { now: () => NOW_MS });

/** The documented GET DLR of providers.md §7.2. */
const DLR = {
  id: 'e8077d803532c0b5937c639b60216938',
  reference: '7d3e0c1a-0000-4000-8000-000000000001',
  recipient: '15555550123',
  status: 'delivery_failed',
  statusReason: 'unknown subscriber',
  statusErrorCode: '1',
  statusDatetime: '2025-01-15T14:32:09+00:00',
  mccmnc: '310260',
};

function getDlr(params: Record<string, string>, opts: { key?: string; signedUrl?: string; t?: number; claims?: Record<string, unknown> } = {}): WebhookRequest {
  const url = `${BASE}?${new URLSearchParams(params).toString()}`;
  const jwt = signMessageBirdJwt(opts.key ?? KEY, opts.signedUrl ?? url, '', opts.t ?? NOW_S, opts.claims);
  return { url, method: 'GET', headers: { 'messagebird-signature-jwt': jwt }, rawBody: '' };
}

describe('messagebird adapter: MessageBird-Signature-JWT', () => {
  it('accepts a JWT whose url_hash is this URL (GET, no body)', () => {
    expect(adapter.verifyWebhook(getDlr(DLR))).toBe(true);
  });
  it('refuses a JWT made for another URL (the query is our DLR payload)', () => {
    const req = getDlr(DLR);
    expect(adapter.verifyWebhook({ ...req, url: req.url.replace('delivery_failed', 'delivered') })).toBe(false);
  });
  it('refuses a tampered POST body through payload_hash', () => {
    const body = JSON.stringify({ id: 'x', originator: '15555550123', recipient: '15555550100', body: 'hi' });
    const jwt = signMessageBirdJwt(KEY, BASE, body, NOW_S);
    expect(adapter.verifyWebhook({ url: BASE, method: 'POST', headers: { 'messagebird-signature-jwt': jwt }, rawBody: body })).toBe(true);
    expect(adapter.verifyWebhook({ url: BASE, method: 'POST', headers: { 'messagebird-signature-jwt': jwt }, rawBody: body.replace('hi', 'STOP') })).toBe(false);
  });
  it('refuses an expired JWT (stale), a wrong key, alg none and a wrong issuer', () => {
    expect(adapter.verifyWebhook(getDlr(DLR, { t: NOW_S - 400 }))).toBe(false);
    expect(adapter.verifyWebhook(getDlr(DLR, { key: 'other' }))).toBe(false);
    expect(adapter.verifyWebhook(getDlr(DLR, { claims: { iss: 'Mallory' } }))).toBe(false);
    const req = getDlr(DLR);
    const [, payload] = req.headers['messagebird-signature-jwt']!.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(adapter.verifyWebhook({ ...req, headers: { 'messagebird-signature-jwt': none } })).toBe(false);
    expect(adapter.verifyWebhook({ ...req, headers: {} })).toBe(false);
  });
});

describe('messagebird adapter: DLRs and MOs', () => {
  it('parses the documented DLR: reference is our id, statusDatetime is zoned', () => {
    expect(adapter.parseDlr(getDlr(DLR))).toEqual([
      {
        providerMessageId: DLR.id,
        ourMessageId: DLR.reference,
        status: 'undelivered',
        reason: 'invalid_number',
        providerStatus: 'delivery_failed',
        providerErrorCode: '1',
        providerErrorText: 'unknown subscriber',
        providerTimestampRaw: '2025-01-15T14:32:09+00:00',
        eventAt: '2025-01-15T14:32:09.000Z',
        dedupeKey: `${DLR.id}:15555550123:delivery_failed:2025-01-15T14:32:09+00:00`,
      },
    ]);
  });
  it.each([
    ['sent', 'pending DLR', 'sent', undefined],
    ['buffered', undefined, 'sent', undefined],
    ['delivered', 'successfully delivered', 'delivered', undefined],
    ['delivery_failed', 'opted out', 'rejected', 'opted_out'],
    ['delivery_failed', 'incorrect number', 'rejected', 'invalid_number'],
    ['delivery_failed', 'insufficient balance', 'failed', 'insufficient_funds'],
    ['expired', 'expired', 'expired', 'expired'],
  ])('status=%s statusReason=%s → %s (%s)', (status, statusReason, expected, reason) => {
    const [dlr] = adapter.parseDlr(getDlr({ ...DLR, status, ...(statusReason === undefined ? {} : { statusReason }) }));
    expect(dlr?.status).toBe(expected);
    expect(dlr?.reason).toBe(reason);
  });
  it('parses a forwarded inbound message', () => {
    const body = JSON.stringify({ id: 'mo1', originator: '15555550123', recipient: '15555550100', body: 'STOP', createdDatetime: '2025-01-15T14:40:02+00:00' });
    expect(adapter.parseMo({ url: BASE, method: 'POST', headers: { 'content-type': 'application/json' }, rawBody: body })).toEqual([
      { providerMessageId: 'mo1', from: '+15555550123', to: '15555550100', body: 'STOP', receivedAt: '2025-01-15T14:40:02.000Z', dedupeKey: 'mo1' },
    ]);
  });
});
