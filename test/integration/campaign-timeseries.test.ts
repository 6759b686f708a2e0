import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

interface Series {
  bucket: string;
  points: { at: string; sent: number; segments: number; delivered: number; suppressed: number }[];
}

describe('campaign stats time series', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('GET /v1/campaigns/{id}/stats/timeseries adds up to the campaign totals per minute and per hour; a bad bucket is a 422', async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await stack.seedContacts(80);
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 });
    const campaign = await stack.waitForCampaign(id, 60_000);
    for (const bucket of ['minute', 'hour']) {
      const res = await stack.call<Series>('GET', `/v1/campaigns/${id}/stats/timeseries?bucket=${bucket}`);
      expect(res.status).toBe(200);
      expect(res.body.bucket).toBe(bucket);
      const sum = (k: 'sent' | 'segments' | 'delivered') => res.body.points.reduce((a, p) => a + p[k], 0);
      expect(sum('sent')).toBe(campaign.stats.totals.sent);
      expect(sum('delivered')).toBe(campaign.stats.totals.delivered);
      expect(sum('segments')).toBe(campaign.stats.totals.segments);
      const ats = res.body.points.map((p) => p.at);
      expect([...ats].sort()).toEqual(ats);
      for (const at of ats) expect(new Date(at).getUTCSeconds()).toBe(0);
    }
    const bad = await stack.call('GET', `/v1/campaigns/${id}/stats/timeseries?bucket=day`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('bucket');
    expect((await stack.call('GET', '/v1/campaigns/00000000-0000-4000-8000-000000000000/stats/timeseries')).status).toBe(404);
  });
});
