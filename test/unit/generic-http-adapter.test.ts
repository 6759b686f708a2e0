import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyMessageEvent, initialMessageState } from '../../src/domain/message-machine.js';
import { toDlrEvent } from '../../src/domain/dlr-event.js';
import { ProviderConfigError } from '../../src/providers/provider-adapter.js';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createGenericHttpAdapter } from '../../src/providers/generic-http/generic-http-adapter.js';
import { genericFakeConfig } from '../helpers/fakes/generic-http-fake.js';
import { loadVectors } from '../helpers/vectors.js';

const SECRET = 'acme_secret';
const URL_DLR = 'https://hooks.example.com/v1/webhooks/conn_1/dlr?smsflow_mid=7d3e0c1a-0000-4000-8000-000000000001';
const make = (config: Record<string, unknown> = genericFakeConfig('http://127.0.0.1:9'), credentials: Record<string, string> = { token: 't', webhookSecret: SECRET }) =>
  createGenericHttpAdapter({ id: 'conn_1', provider: 'generic-http', config, credentials });
const adapter = make();

function signed(payload: unknown, opts: { url?: string; secret?: string } = {}): WebhookRequest {
  const rawBody = JSON.stringify(payload);
  const sig = createHmac('sha256', opts.secret ?? SECRET).update((opts.url ?? URL_DLR) + rawBody).digest('hex');
  return { url: URL_DLR, method: 'POST', headers: { 'content-type': 'application/json', 'x-acme-signature': sig }, rawBody };
}

describe('generic HTTP provider: configuration', () => {
  it('refuses a config without a provider id path, naming the field', () => {
    const config = genericFakeConfig('http://x');
    delete (config.send as Record<string, unknown>).providerIdPath;
    expect(() => make(config)).toThrow(expect.objectContaining({ field: 'config.send.providerIdPath' }));
  });
  it('refuses an unknown status value in the status map and an unknown top-level key', () => {
    const bad = genericFakeConfig('http://x');
    (bad.dlr as Record<string, unknown>).statusMap = { '1': 'done' };
    expect(() => make(bad)).toThrow(ProviderConfigError);
    expect(() => make({ ...genericFakeConfig('http://x'), extra: 1 })).toThrow(ProviderConfigError);
  });
  it('requires the credential the chosen auth needs', () => {
    expect(() => make(genericFakeConfig('http://x'), { webhookSecret: SECRET })).toThrow(expect.objectContaining({ field: 'credentials.token' }));
    expect(() => make(genericFakeConfig('http://x'), { token: 't' })).toThrow(expect.objectContaining({ field: 'credentials.webhookSecret' }));
  });
});

describe('generic HTTP provider: webhooks', () => {
  const receipt = { MessageId: 'AC-1', Status: '2', ErrCode: '3', Ref: '7d3e0c1a-0000-4000-8000-000000000001', ReportTime: '2025-01-15 14:32:09' };
  it('verifies the configured HMAC over URL + body; refuses tampered body, other URL, wrong secret', () => {
    expect(adapter.verifyWebhook(signed(receipt))).toBe(true);
    const req = signed(receipt);
    expect(adapter.verifyWebhook({ ...req, rawBody: req.rawBody.replace('"2"', '"1"') })).toBe(false);
    expect(adapter.verifyWebhook(signed(receipt, { url: URL_DLR.replace('0001', '0002') }))).toBe(false);
    expect(adapter.verifyWebhook(signed(receipt, { secret: 'other' }))).toBe(false);
  });
  it('maps fields and statuses by config; a zone-less time stays raw', () => {
    expect(adapter.parseDlr(signed(receipt))).toEqual([
      {
        providerMessageId: 'AC-1',
        ourMessageId: receipt.Ref,
        status: 'undelivered',
        reason: 'unreachable',
        providerStatus: '2',
        providerErrorCode: '3',
        providerTimestampRaw: '2025-01-15 14:32:09',
        dedupeKey: 'AC-1:2:3:2025-01-15 14:32:09',
      },
    ]);
  });
  it('V53: the same receipt pushed twice is one event (same dedupe key) and one state transition', () => {
    const [v] = loadVectors('dlr-state-ordering').filter((x) => x.id === 'V53');
    const input = v!.input as { callbacks: Array<{ MessageId: string; Status: string }> };
    const alibaba = genericFakeConfig('http://x');
    (alibaba.dlr as Record<string, unknown>).ourMessageId = undefined;
    const dlrs = input.callbacks.flatMap((cb) => make(JSON.parse(JSON.stringify(alibaba)) as Record<string, unknown>).parseDlr(signed(cb)));
    expect(new Set(dlrs.map((d) => d.dedupeKey)).size).toBe(1);
    let state = initialMessageState('submitted');
    let transitions = 0;
    for (const d of dlrs) {
      const next = applyMessageEvent(state, toDlrEvent(d));
      if (next.changed) transitions++;
      state = next.state;
    }
    expect(transitions).toBe((v!.expected as { state_transitions: number }).state_transitions);
    expect(state.status).toBe('delivered');
  });
  it('parses an MO by its field mapping', () => {
    expect(adapter.parseMo(signed({ id: 'mo-1', sender: '15555550123', recipient: '+15555550100', content: 'STOP' }))).toEqual([
      { providerMessageId: 'mo-1', from: '+15555550123', to: '+15555550100', body: 'STOP', dedupeKey: 'mo-1' },
    ]);
  });
});
