import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

interface Point {
  at: string;
  sent: number;
  segments: number;
  delivered: number;
  suppressed: number;
  replies: number;
  opt_outs: number;
  unique_clicks: number;
}

interface Series {
  bucket: string;
  variant: string | null;
  points: Point[];
  variants: Record<string, Point[]>;
}

type Figure = Exclude<keyof Point, 'at'>;
const FIGURES: Figure[] = ['sent', 'segments', 'delivered', 'suppressed', 'replies', 'opt_outs', 'unique_clicks'];
const sum = (points: Point[], k: Figure) => points.reduce((a, p) => a + p[k], 0);

/** Deadlines from the work (work-deadline.ts): 80 messages; 100 messages, then 6 replies. */
const WAIT = { EIGHTY: deadlineFor({ messages: 80, dlrTimeoutS: 30 }), HUNDRED: deadlineFor({ messages: 100, segments: 2, dlrTimeoutS: 30 }), REPLIES: deadlineFor({ messages: 6 }) };

describe('campaign stats time series', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('GET /v1/campaigns/{id}/stats/timeseries adds up to the campaign totals per minute and per hour; a bad bucket is a 422', { timeout: testTimeoutFor(WAIT.EIGHTY) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await stack.seedContacts(80);
    const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 });
    const campaign = await stack.waitForCampaign(id, WAIT.EIGHTY);
    for (const bucket of ['minute', 'hour']) {
      const res = await stack.call<Series>('GET', `/v1/campaigns/${id}/stats/timeseries?bucket=${bucket}`);
      expect(res.status).toBe(200);
      expect(res.body.bucket).toBe(bucket);
      expect(sum(res.body.points, 'sent')).toBe(campaign.stats.totals.sent);
      expect(sum(res.body.points, 'delivered')).toBe(campaign.stats.totals.delivered);
      expect(sum(res.body.points, 'segments')).toBe(campaign.stats.totals.segments);
      const ats = res.body.points.map((p) => p.at);
      expect([...ats].sort()).toEqual(ats);
      for (const at of ats) expect(new Date(at).getUTCSeconds()).toBe(0);
    }
    const bad = await stack.call('GET', `/v1/campaigns/${id}/stats/timeseries?bucket=day`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('bucket');
    expect((await stack.call('GET', '/v1/campaigns/00000000-0000-4000-8000-000000000000/stats/timeseries')).status).toBe(404);
  });

  it('per A/B variant: each variant’s series adds up to its stats, the variants add up to the campaign points, with replies, opt-outs and unique clicks', { timeout: testTimeoutFor(WAIT.HUNDRED, WAIT.REPLIES) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 0.8, undelivered: 0.2 } } });
    await stack.seedContacts(100);
    const templates: string[] = [];
    for (const [name, body] of [
      ['ts A', 'Hi {{ first_name }}, spring sale: https://shop.example.com/a STOP to end'],
      ['ts B', '{{ first_name }}: 20% off at https://shop.example.com/b and more, all week long, in every store near you. STOP to end'],
    ] as const) {
      const t = await stack.call<{ id: string }>('POST', '/v1/templates', { name, body, shorten_links: true });
      expect(t.status).toBe(201);
      templates.push(t.body.id);
    }
    const created = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
      name: 'two variants',
      connection_id: stack.connectionId,
      sender: '+12015550100',
      variants: [
        { key: 'A', weight: 1, template_id: templates[0] },
        { key: 'B', weight: 1, template_id: templates[1] },
      ],
      settings: { batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await stack.waitForCampaign(id, WAIT.HUNDRED);

    // Replies (some STOP) and clicks on both variants, unevenly; B's links clicked twice (unique counts once).
    const sent = await stack.db
      .selectFrom('messages as m')
      .leftJoin('short_links as s', 's.message_id', 'm.id')
      .select(['m.to_e164', 'm.variant_key', 's.code'])
      .where('m.campaign_id', '=', id)
      .where('m.submitted_at', 'is not', null)
      .orderBy('m.recipient_seq')
      .execute();
    const a = sent.filter((m) => m.variant_key === 'A');
    const b = sent.filter((m) => m.variant_key === 'B');
    expect(a.length).toBeGreaterThan(10);
    expect(b.length).toBeGreaterThan(10);
    for (const m of a.slice(0, 3)) stack.sandbox.sendInbound({ from: m.to_e164, to: '+12015550100', body: 'STOP' });
    for (const m of b.slice(0, 2)) stack.sandbox.sendInbound({ from: m.to_e164, to: '+12015550100', body: 'When does it end?' });
    for (const m of b.slice(2, 3)) stack.sandbox.sendInbound({ from: m.to_e164, to: '+12015550100', body: 'STOP' });
    for (const m of [...a.slice(5, 7), ...b.slice(5, 10), ...b.slice(5, 10)]) {
      expect((await fetch(`${stack.api.url}/l/${m.code!}`, { redirect: 'manual' })).status).toBe(302);
    }
    interface Counts {
      key?: string;
      sent: number;
      segments: number;
      delivered: number;
      suppressed: number;
      replies: number;
      opt_outs: number;
    }
    let stats: { totals: Counts; variants: Counts[]; composition: { unique_clicks: number } };
    const deadline = Date.now() + WAIT.REPLIES;
    for (;;) {
      stats = (await stack.call<{ stats: typeof stats }>('GET', `/v1/campaigns/${id}`)).body.stats;
      if (stats.totals.replies === 6 && stats.totals.opt_outs === 4) break;
      if (Date.now() > deadline) throw new Error(`replies not attributed: ${JSON.stringify(stats.totals)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(stats.composition.unique_clicks).toBe(7);

    for (const bucket of ['minute', 'hour']) {
      const res = await stack.call<Series>('GET', `/v1/campaigns/${id}/stats/timeseries?bucket=${bucket}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.variants).sort()).toEqual(['A', 'B']);
      for (const v of stats.variants) {
        const series = res.body.variants[v.key!]!;
        for (const k of ['sent', 'segments', 'delivered', 'suppressed', 'replies', 'opt_outs'] as const) expect(sum(series, k)).toBe(v[k]);
      }
      expect(sum(res.body.variants['A']!, 'unique_clicks')).toBe(2);
      expect(sum(res.body.variants['B']!, 'unique_clicks')).toBe(5);
      for (const k of FIGURES) {
        expect(sum(res.body.points, k)).toBe(sum(res.body.variants['A']!, k) + sum(res.body.variants['B']!, k));
      }
      for (const k of ['sent', 'segments', 'delivered', 'suppressed', 'replies', 'opt_outs'] as const) expect(sum(res.body.points, k)).toBe(stats.totals[k]);
      // Per bucket, too: each campaign point is the sum of the variants' points at that instant.
      for (const p of res.body.points) {
        const parts = Object.values(res.body.variants).flatMap((s) => s.filter((q) => q.at === p.at));
        for (const k of FIGURES) expect(p[k]).toBe(parts.reduce((x, q) => x + q[k], 0));
      }

      // ?variant=B: that variant alone.
      const onlyB = await stack.call<Series>('GET', `/v1/campaigns/${id}/stats/timeseries?bucket=${bucket}&variant=B`);
      expect(onlyB.status).toBe(200);
      expect(onlyB.body.variant).toBe('B');
      expect(Object.keys(onlyB.body.variants)).toEqual(['B']);
      expect(onlyB.body.points).toEqual(res.body.variants['B']);
    }
    const noSuch = await stack.call<{ errors: { field: string }[] }>('GET', `/v1/campaigns/${id}/stats/timeseries?variant=C`);
    expect(noSuch.status).toBe(422);
    expect(noSuch.body.errors.map((e) => e.field)).toEqual(['variant']);
    expect((await stack.call('GET', `/v1/campaigns/${id}/stats/timeseries?variant=ab`)).status).toBe(422);
  });
});
