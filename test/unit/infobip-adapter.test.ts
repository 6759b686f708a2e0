import { describe, expect, it } from 'vitest';
import { ProviderConfigError } from '../../src/providers/provider-adapter.js';
import type { WebhookRequest } from '../../src/providers/provider-adapter.js';
import { createInfobipAdapter, parseInfobipTimestamp } from '../../src/providers/infobip/infobip-adapter.js';

const URL_DLR = 'https://hooks.example.com/v1/webhooks/conn_1/dlr';
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const make = (creds: Record<string, string> = { webhookUsername: 'ib', webhookPassword: 'pw' }) =>
  createInfobipAdapter({ id: 'conn_1', provider: 'infobip', config: { baseUrl: 'https://xxxxx.api.infobip.com' }, credentials: { apiKey: 'k', ...creds } });
const adapter = make();

/** The documented report of providers.md §6.2. */
const REPORT = {
  results: [
    {
      bulkId: 'cmp42-2025-01-15',
      messageId: '7d3e0c1a-0000-4000-8000-000000000001',
      to: '15555550123',
      sentAt: '2025-01-15T14:31:58.000+0000',
      doneAt: '2025-01-15T14:32:09.000+0000',
      smsCount: 1,
      mccMnc: '310260',
      callbackData: '7d3e0c1a-0000-4000-8000-000000000001',
      price: { pricePerMessage: 0.007, currency: 'EUR' },
      status: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET', description: 'Message delivered to handset' },
      error: { groupId: 0, groupName: 'OK', id: 0, name: 'NO_ERROR', description: 'No Error', permanent: false },
    },
  ],
};
const req = (payload: unknown, authorization?: string): WebhookRequest => ({ url: URL_DLR, method: 'POST', headers: authorization === undefined ? {} : { authorization }, rawBody: JSON.stringify(payload) });

describe('infobip adapter: webhook authentication (Infobip signs nothing)', () => {
  it('with configured Basic credentials: accepts them, refuses wrong or missing ones', () => {
    expect(adapter.verifyWebhook(req(REPORT, basic('ib', 'pw')))).toBe(true);
    expect(adapter.verifyWebhook(req(REPORT, basic('ib', 'guess')))).toBe(false);
    expect(adapter.verifyWebhook(req(REPORT))).toBe(false);
  });
  it('without them: the unguessable connection id in the URL is the only secret', () => {
    expect(make({}).verifyWebhook(req(REPORT))).toBe(true);
  });
  it('refuses a username without a password at connection creation', () => {
    expect(() => make({ webhookUsername: 'ib' })).toThrow(ProviderConfigError);
  });
});

describe('infobip adapter: reports', () => {
  it('parses the documented report: our id, the +0000 offset read strictly', () => {
    expect(adapter.parseDlr(req(REPORT))).toEqual([
      {
        providerMessageId: REPORT.results[0]!.messageId,
        ourMessageId: REPORT.results[0]!.messageId,
        status: 'delivered',
        providerStatus: 'DELIVERED_TO_HANDSET',
        providerTimestampRaw: '2025-01-15T14:32:09.000+0000',
        eventAt: '2025-01-15T14:32:09.000Z',
        dedupeKey: `${REPORT.results[0]!.messageId}:5:2025-01-15T14:32:09.000+0000`,
      },
    ]);
    expect(parseInfobipTimestamp('2025-01-15T16:32:09.000+0200')).toBe('2025-01-15T14:32:09.000Z');
    expect(parseInfobipTimestamp('2025-01-15 14:32:09')).toBeUndefined();
  });
  it.each([
    [3, 2, 'sent', undefined],
    [1, 7, 'sent', undefined],
    [1, 26, 'queued', undefined],
    [2, 4, 'undelivered', 'carrier_rejected'],
    [4, 15, 'expired', 'expired'],
    [5, 14, 'rejected', 'opted_out'],
    [5, 10, 'rejected', 'opted_out'],
    [5, 8, 'rejected', 'invalid_number'],
    [5, 12, 'failed', 'insufficient_funds'],
  ])('status group %i id %i → %s (%s)', (groupId, id, expected, reason) => {
    const r = structuredClone(REPORT);
    r.results[0]!.status = { ...r.results[0]!.status, groupId, id };
    const [dlr] = adapter.parseDlr(req(r));
    expect(dlr?.status).toBe(expected);
    expect(dlr?.reason).toBe(reason);
  });
  it('splits a batched report into one receipt per result', () => {
    const r = { results: [REPORT.results[0]!, { ...REPORT.results[0]!, messageId: 'other-id', callbackData: 'other-id' }] };
    expect(adapter.parseDlr(req(r)).map((d) => d.providerMessageId)).toEqual([REPORT.results[0]!.messageId, 'other-id']);
  });
  it('parses batched inbound messages', () => {
    const mo = { results: [{ messageId: 'mo-1', from: '15555550123', to: '15555550100', text: 'STOP', cleanText: '', keyword: 'STOP', receivedAt: '2025-01-15T14:40:02.000+0000', smsCount: 1 }], messageCount: 1, pendingMessageCount: 0 };
    expect(adapter.parseMo(req(mo))).toEqual([{ providerMessageId: 'mo-1', from: '+15555550123', to: '15555550100', body: 'STOP', receivedAt: '2025-01-15T14:40:02.000Z', dedupeKey: 'mo-1' }]);
  });
});
