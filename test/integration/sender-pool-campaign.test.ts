import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numbersInAreaCode, seedLocatedContacts } from '../helpers/seed-located-contacts.js';
import { startTestStack } from '../helpers/test-stack.js';
import type { CampaignBody, TestStack } from '../helpers/test-stack.js';
import { deadlineFor, testTimeoutFor } from '../helpers/work-deadline.js';

/** A pool campaign: under 30 recipients, every sender at 50 MPS or more. */
const WAIT = deadlineFor({ messages: 30, mps: 50, dlrTimeoutS: 30 });

describe('a campaign through a sender pool', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ sandbox: { outcomes: { delivered: 1 }, dlrDelayMs: { min: 10, max: 50 } } });
  });
  afterAll(async () => stack?.close());

  const sender = async (body: Record<string, unknown>) => {
    const res = await stack.call<{ id: string }>('POST', '/v1/senders', { connection_id: stack.connectionId, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };
  const runCampaign = async (poolId: string, name: string): Promise<CampaignBody & { stats: { by_sender?: { sender: string | null; sent: number; delivered: number; suppressed: number }[] } }> => {
    const res = await stack.call<{ id: string; sender: string | null; sender_pool_id: string | null }>('POST', '/v1/campaigns', {
      name,
      connection_id: stack.connectionId,
      sender_pool_id: poolId,
      variants: [{ key: 'A', weight: 1, body: 'Hi {{ first_name }}, reply STOP to opt out.' }],
      settings: { batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ sender: null, sender_pool_id: poolId });
    const done = await stack.waitForCampaign(res.body.id, WAIT);
    await stack.sandbox.waitForIdle(10_000);
    return done;
  };
  /** What the provider received, per recipient number: the `from` of each message, oldest first. */
  const receivedFrom = (to: string) => stack.sandbox.messages({ to }).map((m) => m.from);

  it('gives each recipient a sender of its country, suppresses who no sender serves, and keeps senders sticky', { timeout: testTimeoutFor(WAIT, WAIT) }, async () => {
    // MPS set high so the test does not wait on pacing; the default would be 1 per long code, 0.1 alphanumeric.
    const us = await sender({ type: 'long_code', address: '+12015550100', mps: 50 });
    const ca = await sender({ type: 'long_code', address: '+14165550100', mps: 50 });
    const gb = await sender({ type: 'alphanumeric', address: 'ACME', country: 'GB', mps: 50 });
    const pool = await stack.call<{ id: string }>('POST', '/v1/sender-pools', { name: 'North Atlantic', sender_ids: [us, ca, gb] });
    expect(pool.status).toBe(201);

    const phones = {
      US: numbersInAreaCode('201', 12),
      CA: numbersInAreaCode('416', 8),
      GB: Array.from({ length: 4 }, (_, i) => `+4474001234${String(10 + i)}`),
      FR: Array.from({ length: 3 }, (_, i) => `+3361234560${i}`),
    };
    for (const [country, numbers] of Object.entries(phones)) await seedLocatedContacts(stack, numbers, { country });

    const first = await runCampaign(pool.body.id, 'first');
    expect(first.status).toBe('completed');
    for (const to of phones.US) expect(receivedFrom(to)).toEqual(['+12015550100']);
    for (const to of phones.CA) expect(receivedFrom(to)).toEqual(['+14165550100']);
    for (const to of phones.GB) expect(receivedFrom(to)).toEqual(['ACME']);
    for (const to of phones.FR) expect(receivedFrom(to)).toEqual([]);
    const fr = await stack.db.selectFrom('messages').select(['status', 'status_reason', 'sender', 'error_text']).where('to_e164', 'in', phones.FR).execute();
    expect(fr).toHaveLength(3);
    for (const m of fr) expect(m).toMatchObject({ status: 'suppressed', status_reason: 'no_sender', sender: '' });
    expect(fr[0]?.error_text).toContain('FR');
    expect(first.stats.totals.reasons).toMatchObject({ no_sender: 3 });
    expect(first.stats.by_sender).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sender: '+12015550100', sent: 12, delivered: 12 }),
        expect.objectContaining({ sender: '+14165550100', sent: 8, delivered: 8 }),
        expect.objectContaining({ sender: 'ACME', sent: 4, delivered: 4 }),
        expect.objectContaining({ sender: null, sent: 0, suppressed: 3 }),
      ]),
    );

    // New senders that the rules would now prefer: a US short code (short codes first) and a heavy CA
    // number. Sticky recipients keep their sender; a new contact shows the short code is in play.
    const shortCode = await sender({ type: 'short_code', address: '55501', country: 'US', mps: 100 });
    const ca2 = await sender({ type: 'long_code', address: '+16135550100', mps: 1000 });
    const patched = await stack.call('PATCH', `/v1/sender-pools/${pool.body.id}`, { add_sender_ids: [shortCode, ca2] });
    expect(patched.status).toBe(200);
    const [newcomer] = numbersInAreaCode('201', 1, 500);
    await seedLocatedContacts(stack, [newcomer!], { country: 'US' });

    const second = await runCampaign(pool.body.id, 'second');
    expect(second.status).toBe('completed');
    for (const to of phones.US) expect(receivedFrom(to)).toEqual(['+12015550100', '+12015550100']);
    for (const to of phones.CA) expect(receivedFrom(to)).toEqual(['+14165550100', '+14165550100']);
    for (const to of phones.GB) expect(receivedFrom(to)).toEqual(['ACME', 'ACME']);
    for (const to of phones.FR) expect(receivedFrom(to)).toEqual([]);
    expect(receivedFrom(newcomer!)).toEqual(['55501']);
    expect(stack.sandbox.stats().duplicateSubmits).toBe(0);
  });

  it('a single-sender campaign obeys the same carrier rule: a registered alphanumeric sender never reaches US/CA numbers', { timeout: testTimeoutFor(WAIT) }, async () => {
    await sender({ type: 'alphanumeric', address: 'SHOPCO', country: 'GB', mps: 50 });
    const res = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
      name: 'alpha single',
      connection_id: stack.connectionId,
      sender: 'SHOPCO',
      variants: [{ key: 'A', weight: 1, body: 'Sale today. Reply STOP to opt out.' }],
      settings: { batch_size: 50, dlr_timeout_seconds: 30, flush_interval_ms: 300 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const done = await stack.waitForCampaign(res.body.id, WAIT);
    await stack.sandbox.waitForIdle(10_000);
    expect(done.status).toBe('completed');
    const rows = await stack.db.selectFrom('messages').select(['to_e164', 'status', 'status_reason', 'error_text']).where('campaign_id', '=', res.body.id).execute();
    const nanp = rows.filter((m) => m.to_e164.startsWith('+1'));
    expect(nanp.length).toBeGreaterThan(20);
    for (const m of nanp) expect(m).toMatchObject({ status: 'suppressed', status_reason: 'no_sender' });
    expect(nanp[0]?.error_text).toContain('alphanumeric');
    for (const m of nanp) expect(stack.sandbox.messages({ to: m.to_e164 }).map((x) => x.from)).not.toContain('SHOPCO');
    const gb = rows.filter((m) => m.to_e164.startsWith('+44'));
    expect(gb).toHaveLength(4);
    for (const m of gb) expect(stack.sandbox.messages({ to: m.to_e164 }).map((x) => x.from)).toContain('SHOPCO');
  });
});
