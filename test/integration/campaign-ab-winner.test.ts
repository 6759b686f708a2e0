import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';
import { loadVectors } from '../helpers/vectors.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

const VARIANTS = [
  { key: 'A', weight: 1, body: 'Hi {{ first_name }}, spring sale today. Reply STOP to opt out.' },
  { key: 'B', weight: 1, body: '{{ first_name }}: 20% off, reply YES to claim. STOP to end' },
];

/** Deadlines from the work (work-deadline.ts): the test share, then the rest after the A/B wait (4 s). */
const WAIT = {
  REPLY_SHARE: deadlineFor({ messages: 50 }),
  REPLY_REST: deadlineFor({ messages: 150, dlrTimeoutS: 30, plannedMs: 4_000 }),
  CLICK_SHARE: deadlineFor({ messages: 50 }),
  CLICK_REST: deadlineFor({ messages: 50, dlrTimeoutS: 30, plannedMs: 4_000 }),
  SPLIT: deadlineFor({ messages: 120, dlrTimeoutS: 30 }),
};

describe('A/B winner mode through the API', () => {
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('sends the test share, waits, picks the variant with the better reply rate and sends it to the rest', { timeout: testTimeoutFor(WAIT.REPLY_SHARE, WAIT.REPLY_REST) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await stack.seedContacts(200);
    const id = await stack.createCampaign(
      { batch_size: 50, max_concurrent_batches: 2, dlr_timeout_seconds: 30, flush_interval_ms: 300, ab_winner: { test_share: 0.25, wait_seconds: 4, metric: 'reply_rate' } } as never,
      VARIANTS,
    );
    // The test share is the first batch (recipients 1..50): wait until it is sent, then B's recipients reply.
    const deadline = Date.now() + WAIT.REPLY_SHARE;
    let testB: { to_e164: string }[] = [];
    for (;;) {
      const rows = await stack.db.selectFrom('messages').select(['to_e164', 'variant_key', 'status']).where('campaign_id', '=', id).execute();
      if (rows.length >= 50 && rows.every((r) => r.status !== 'queued' && r.status !== 'submitting')) {
        testB = rows.filter((r) => r.variant_key === 'B');
        expect(rows).toHaveLength(50); // nothing beyond the test share before the winner is picked
        break;
      }
      if (Date.now() > deadline) throw new Error('test share not sent');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(testB.length).toBeGreaterThan(5);
    for (const m of testB.slice(0, Math.ceil(testB.length / 2))) stack.sandbox.sendInbound({ from: m.to_e164, to: '+12015550100', body: 'YES' });

    const campaign = await stack.waitForCampaign(id, WAIT.REPLY_REST);
    expect(campaign.status).toBe('completed');
    const ab = (campaign.stats as unknown as { ab_winner: { winner: string; reason: string; metric: string; test_recipients: number } }).ab_winner;
    expect(ab.metric).toBe('reply_rate');
    expect(ab.winner).toBe('B');
    expect(ab.reason).toMatch(/^B: reply rate \d+\.\d% \(\d+\/\d+\) vs A 0\.0% \(0\/\d+\)$/);
    expect(ab.test_recipients).toBe(50);
    const rest = await stack.db.selectFrom('messages').select(['variant_key']).where('campaign_id', '=', id).where('recipient_seq', '>', 50).execute();
    expect(rest).toHaveLength(150);
    expect(rest.every((r) => r.variant_key === 'B')).toBe(true);
    expect((campaign.progress as { abWinner?: { winner: string } }).abWinner?.winner).toBe('B');
  });

  it('by click rate: the variant whose short links were clicked more wins', { timeout: testTimeoutFor(WAIT.CLICK_SHARE, WAIT.CLICK_REST) }, async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
    await stack.seedContacts(100);
    const templates: string[] = [];
    for (const [name, body] of [
      ['spring A', 'Hi {{ first_name }}, spring sale: https://shop.example.com/a STOP to end'],
      ['spring B', '{{ first_name }}: 20% off at https://shop.example.com/b STOP to end'],
    ] as const) {
      const t = await stack.call<{ id: string }>('POST', '/v1/templates', { name, body, shorten_links: true });
      expect(t.status).toBe(201);
      templates.push(t.body.id);
    }
    const created = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
      name: 'click test',
      connection_id: stack.connectionId,
      sender: '+12015550100',
      variants: [
        { key: 'A', weight: 1, template_id: templates[0] },
        { key: 'B', weight: 1, template_id: templates[1] },
      ],
      settings: { batch_size: 50, max_concurrent_batches: 2, dlr_timeout_seconds: 30, flush_interval_ms: 300, ab_winner: { test_share: 0.5, wait_seconds: 4, metric: 'click_rate' } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // The test share (recipients 1..50) is sent: open the short links of a third of B's messages, twice each.
    const deadline = Date.now() + WAIT.CLICK_SHARE;
    for (;;) {
      const rows = await stack.db.selectFrom('messages').select(['status']).where('campaign_id', '=', id).execute();
      if (rows.length >= 50 && rows.every((r) => r.status !== 'queued' && r.status !== 'submitting')) break;
      if (Date.now() > deadline) throw new Error('test share not sent');
      await new Promise((r) => setTimeout(r, 100));
    }
    const linksB = await stack.db
      .selectFrom('short_links as s')
      .innerJoin('messages as m', 'm.id', 's.message_id')
      .select(['s.code'])
      .where('m.campaign_id', '=', id)
      .where('m.variant_key', '=', 'B')
      .execute();
    expect(linksB.length).toBeGreaterThan(5);
    const clicked = linksB.slice(0, Math.ceil(linksB.length / 3));
    for (const { code } of [...clicked, ...clicked]) expect((await fetch(`${stack.api.url}/l/${code}`, { redirect: 'manual' })).status).toBe(302);

    const campaign = await stack.waitForCampaign(id, WAIT.CLICK_REST);
    expect(campaign.status).toBe('completed');
    const ab = (campaign.stats as unknown as { ab_winner: { winner: string; reason: string; metric: string } }).ab_winner;
    expect(ab).toMatchObject({ metric: 'click_rate', winner: 'B' });
    // Unique clicks: a message clicked twice counts once.
    expect(ab.reason).toContain(`(${clicked.length}/${linksB.length})`);
    expect(ab.reason).toMatch(/vs A 0\.0% \(0\/\d+\)$/);
  });

  for (const v of loadVectors('ab-split')) {
    it(`${v.id}: one variant per recipient, one message, stable when the snapshot runs again`, { timeout: testTimeoutFor(WAIT.SPLIT) }, async () => {
      stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 } } });
      await stack.seedContacts(120);
      const id = await stack.createCampaign({ batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 }, VARIANTS);
      const campaign = await stack.waitForCampaign(id, WAIT.SPLIT);
      const expected = v.expected as { messages_to_contact: number; variant_count: number };
      const sb = stack.sandbox.stats({ includeRecipients: true });
      expect(Object.values(sb.byRecipient).every((n) => n === expected.messages_to_contact)).toBe(true);
      const perContact = await stack.db
        .selectFrom('messages')
        .select(['contact_id', (eb) => eb.fn.count<number>('variant_key').distinct().as('variants')])
        .where('campaign_id', '=', id)
        .groupBy('contact_id')
        .execute();
      expect(perContact).toHaveLength(120);
      expect(perContact.every((r) => Number(r.variants) === expected.variant_count)).toBe(true);
      // A retried snapshot (activity retry) assigns nothing new.
      const { snapshotAudience } = await import('../../src/db/campaign-repository.js');
      const before = await stack.db.selectFrom('campaign_recipients').select(['contact_id', 'variant_key']).where('campaign_id', '=', id).orderBy('contact_id').execute();
      expect(await snapshotAudience(stack.db, id)).toBe(120);
      const after = await stack.db.selectFrom('campaign_recipients').select(['contact_id', 'variant_key']).where('campaign_id', '=', id).orderBy('contact_id').execute();
      expect(after).toEqual(before);
      expect(campaign.status).toBe('completed');
    });
  }

  it('refuses winner mode with one variant, or click_rate on body variants (422 naming the field)', async () => {
    stack = await startTestStack();
    const one = await stack.call('POST', '/v1/campaigns', {
      name: 'x', connection_id: stack.connectionId, sender: '+12015550100', variants: [VARIANTS[0]], settings: { ab_winner: { test_share: 0.2, wait_seconds: 60, metric: 'reply_rate' } },
    });
    expect(one.status).toBe(422);
    expect(JSON.stringify(one.body)).toContain('settings.ab_winner');
    const click = await stack.call('POST', '/v1/campaigns', {
      name: 'x', connection_id: stack.connectionId, sender: '+12015550100', variants: VARIANTS, settings: { ab_winner: { test_share: 0.2, wait_seconds: 60, metric: 'click_rate' } },
    });
    expect(click.status).toBe(422);
    expect(JSON.stringify(click.body)).toContain('variants[0].template_id');
  });
});
