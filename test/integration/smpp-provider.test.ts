import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createProviderResolver } from '../../src/activities/provider-resolver.js';
import { CredentialCipher } from '../../src/providers/credential-cipher.js';
import { createSmppAdapter } from '../../src/providers/smpp/smpp-adapter.js';
import { readSmppConnection } from '../../src/providers/smpp/smpp-connection-config.js';
import { SmppSessionPool } from '../../src/providers/smpp/smpp-session-pool.js';
import { startSmscSimulator } from '../../src/providers/smpp/smsc-simulator.js';
import type { SmscSimulator } from '../../src/providers/smpp/smsc-simulator.js';
import { createSmsflowWorker } from '../../src/worker/create-worker.js';
import { countWhere, startTestStack } from '../helpers/test-stack.js';
import type { CampaignBody, TestStack } from '../helpers/test-stack.js';
import { US_BUSINESS_HOURS } from '../helpers/test-clock.js';
import { deadlineFor, pollUntil, testTimeoutFor } from '../helpers/work-deadline.js';

const LONG_BODY = 'Hi {{ first_name }}, ' + 'this spring offer runs all week long at every store near you. '.repeat(4) + 'Reply STOP to opt out.';

/** One MO, receipt or bind through the stack. */
const ONE = deadlineFor({ messages: 1 });

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = ONE): Promise<void> {
  await pollUntil(what, check, timeoutMs);
}

/**
 * Deadlines from the work (work-deadline.ts): 120 two-part messages, three throttled submits retried,
 * a dropped bind re-bound (a second or so), then the receipts.
 */
const WAIT = {
  FIRST_SUBMITS: deadlineFor({ messages: 30, segments: 2, plannedMs: 5_000 }),
  CAMPAIGN: deadlineFor({ messages: 120, segments: 2, dlrTimeoutS: 60, plannedMs: 5_000 }),
  RECEIPTS: deadlineFor({ messages: 120, segments: 2 }),
};

describe('SMPP 3.4 against the local SMSC simulator over TCP', () => {
  let stack: TestStack;
  let smsc: SmscSimulator;
  let pool: SmppSessionPool;
  let connectionId: string;

  beforeAll(async () => {
    // The SMPP adapter is a real provider's (quiet hours always apply) and the recipients are US numbers:
    // the clock is pinned where they may be sent to.
    stack = await startTestStack({ worker: false, clock: US_BUSINESS_HOURS });
    smsc = await startSmscSimulator({ systemId: 'smsflow', password: 'secret1', submitIdFormat: 'hex', receiptIdFormat: 'decimal', duplicateReceipts: true, reorderReceipts: true, receiptDelayMs: 50 });
    const created = await stack.call<{ id: string }>('POST', '/v1/connections', {
      provider: 'smpp',
      name: 'carrier bind',
      config: { host: '127.0.0.1', port: smsc.port, systemId: 'smsflow', enquireLinkMs: 2_000, bindTimeoutMs: 5_000, reconnectInitialMs: 100 },
      credentials: { password: 'secret1' },
    });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
    const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    pool = new SmppSessionPool({ db: stack.db, now: stack.clock, sink: stack.api.dispatcher, logger });
    const worker = await createSmsflowWorker({
      connection: stack.env.nativeConnection,
      namespace: 'default',
      taskQueue: stack.taskQueue,
      workflowBundlePath: inject('workflowBundlePath'),
      deps: { db: stack.db, providers: createProviderResolver(stack.db, new CredentialCipher(stack.credentialsKey), 1_000, { smpp: pool }), logger, publicBaseUrl: stack.api.publicBaseUrl, now: stack.clock },
    });
    void worker.run();
    afterAll(async () => {
      worker.shutdown();
      await pool.closeAll();
      await smsc.close();
      await stack.close();
    });
  });

  it('refuses a connection without host or password with the field named', async () => {
    const res = await stack.call<{ errors?: { field: string }[] }>('POST', '/v1/connections', { provider: 'smpp', name: 'x', config: { port: 2775, systemId: 'a' }, credentials: {} });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('config.host');
  });

  it('testConnection binds and unbinds, and names a refused port or a refused bind', async () => {
    const base = { id: 'conn_t', provider: 'smpp', config: { host: '127.0.0.1', port: smsc.port, systemId: 'smsflow', bindTimeoutMs: 2_000 }, credentials: { password: 'secret1' } };
    expect(await createSmppAdapter(base).testConnection()).toEqual({ ok: true });
    expect(await createSmppAdapter({ ...base, credentials: { password: 'wrong' } }).testConnection()).toEqual({ ok: false, reason: 'bind failed: ESME_RINVPASWD' });
    expect(await createSmppAdapter({ ...base, config: { ...base.config, port: 1 } }).testConnection()).toEqual({ ok: false, reason: 'connection refused (127.0.0.1:1)' });
  });

  it('a refused bind is auth_failed for sends, not a message failure', async () => {
    const bad = new SmppSessionPool({ db: stack.db, now: stack.clock, sink: stack.api.dispatcher, logger: pino({ level: 'silent' }) });
    const adapter = createSmppAdapter({ id: connectionId, provider: 'smpp', config: { host: '127.0.0.1', port: smsc.port, systemId: 'smsflow', bindTimeoutMs: 2_000 }, credentials: { password: 'nope' } }, { smpp: bad });
    const res = await adapter.send({ messageId: randomUUID(), from: '+12015550100', to: '+12025550123', body: 'hi', dlrUrl: '' });
    expect(res).toMatchObject({ outcome: 'auth_failed', errorText: 'bind_transceiver refused: ESME_RINVPASWD' });
    await bad.closeAll();
  });

  it('a campaign sends long messages as concatenated parts; per-part receipts with hex/decimal ids roll up; throttling backs off; a dropped bind reconnects without double sends', { timeout: testTimeoutFor(WAIT.FIRST_SUBMITS, WAIT.CAMPAIGN, WAIT.RECEIPTS, WAIT.RECEIPTS) }, async () => {
    await stack.seedContacts(120);
    smsc.throttleNext(3);
    const created = await stack.call<{ id: string }>('POST', '/v1/campaigns', {
      name: 'smpp campaign',
      connection_id: connectionId,
      sender: '+12015550100',
      variants: [{ key: 'A', weight: 1, body: LONG_BODY }],
      settings: { batch_size: 50, max_concurrent_batches: 2, dlr_timeout_seconds: 60, flush_interval_ms: 200 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await until('first submits', () => smsc.submits.length > 60, WAIT.FIRST_SUBMITS);
    smsc.dropConnections();
    let campaign: CampaignBody = await stack.waitForCampaign(created.body.id, WAIT.CAMPAIGN);
    await stack.api.dispatcher.sweep();
    // Receipts still on their way when the batch closed are applied directly; wait for them.
    await until('no message pending', async () => {
      campaign = (await stack.call<CampaignBody>('GET', `/v1/campaigns/${created.body.id}`)).body;
      return campaign.stats.totals.pending === 0;
    }, WAIT.RECEIPTS);

    expect(campaign.status).toBe('completed');
    expect(smsc.stats.throttled).toBe(3);
    expect(smsc.stats.binds).toBeGreaterThanOrEqual(2);
    // Every message was cut into UDH parts in GSM-7 (data_coding 0) and no part reached the SMSC twice.
    const parts = new Map<string, number>();
    for (const s of smsc.submits) {
      expect(s.dataCoding).toBe(0);
      expect(s.concat?.total).toBe(2);
      const key = `${s.destination}:${s.concat!.index}`;
      parts.set(key, (parts.get(key) ?? 0) + 1);
    }
    expect([...parts.values()].every((n) => n === 1)).toBe(true);
    // A message whose submit was in flight when the bind dropped is failed as "outcome unknown", never re-sent.
    const unknown = await countWhere(stack.db, 'messages', "status = 'rejected' AND error_text LIKE 'send outcome unknown%'");
    expect(campaign.stats.totals.delivered + unknown).toBe(120);
    const fullySent = new Set([...parts.keys()].filter((k) => k.endsWith(':2') && parts.has(k.replace(/:2$/, ':1'))).map((k) => k.split(':')[0]));
    // A message the SMSC got whole can still be "outcome unknown" to us when the drop swallowed its last
    // submit_sm_resp (then it is never re-sent); how many depends on timing.
    expect(campaign.stats.totals.delivered).toBeLessThanOrEqual(fullySent.size);
    expect(fullySent.size - campaign.stats.totals.delivered).toBeLessThanOrEqual(unknown);
    // Receipts quoted decimal ids for hex submit ids; each part's receipt is logged once (duplicates
    // deduplicated) and correlated — except those of parts whose submit_sm_resp the drop swallowed.
    // (The simulator receipts a multi-part message once all its parts are in.)
    const receipted = [...parts.keys()].filter((k) => fullySent.has(k.split(':')[0])).length;
    await until(`every receipt logged (${receipted} parts)`, async () => (await countWhere(stack.db, 'webhook_events', "kind = 'dlr'")) === receipted, WAIT.RECEIPTS);
    const unmatched = await countWhere(stack.db, 'webhook_events', "kind = 'dlr' AND message_id IS NULL");
    expect(unmatched).toBeLessThanOrEqual(unknown * 2);
    if (unknown === 0) expect(unmatched).toBe(0);
  });

  it('an MO in 3 parts arriving out of order is reassembled once and handled (STOP reaches the ledger)', async () => {
    // The worker's bind for this connection (started by the campaign, or here when run alone).
    pool.session(readSmppConnection({ id: connectionId, provider: 'smpp', config: { host: '127.0.0.1', port: smsc.port, systemId: 'smsflow', reconnectInitialMs: 100 }, credentials: { password: 'secret1' } }));
    await until('a bound session', () => smsc.boundSessions.length > 0);
    const from = '12025550199';
    const text = 'Which store is nearest to me? I would like to come by on Saturday morning.';
    await smsc.sendMo(from, '12015550100', text, { parts: 3, ref: 0x38, order: [2, 3, 1] });
    await until('the inbound message', async () => (await countWhere(stack.db, 'inbound_messages', `from_e164 = '+${from}'`)) === 1);
    const row = await stack.db.selectFrom('inbound_messages').select(['body', 'keyword_class']).where('from_e164', '=', `+${from}`).executeTakeFirstOrThrow();
    expect(row).toEqual({ body: text, keyword_class: null });
    expect(await countWhere(stack.db, 'webhook_events', `kind = 'mo' AND applied_at IS NOT NULL`)).toBe(3);
    // Handling is the inboundMessage workflow's job, started from the log by the API's sweeper (the
    // bind lives in the worker, which has no starter).
    await until('the reply handled as a user event', async () => (await countWhere(stack.db, 'user_events', `type = 'sms_reply'`)) === 1);
    expect(await countWhere(stack.db, 'user_events', `type = 'sms_reply'`)).toBe(1);
    // A STOP split over 2 parts reaches the consent ledger.
    await smsc.sendMo('12025550197', '12015550100', 'STOP', { parts: 2, ref: 0x39, order: [2, 1] });
    await until('the STOP', async () => (await countWhere(stack.db, 'inbound_messages', `from_e164 = '+12025550197'`)) === 1);
    const optOuts = async () =>
      (await sql<{ n: number }>`SELECT count(DISTINCT purpose)::int AS n FROM consent_events WHERE phone_e164 = '+12025550197' AND status = 'opted_out'`.execute(stack.db)).rows[0]?.n;
    await until('the opt-out in the ledger', async () => ((await optOuts()) ?? 0) > 0);
    expect(await optOuts()).toBeGreaterThan(0);
    // A single-part MO goes straight through.
    await smsc.sendMo('12025550198', '12015550100', 'hello there');
    await until('the single MO', async () => (await countWhere(stack.db, 'inbound_messages', `from_e164 = '+12025550198' AND body = 'hello there'`)) === 1);
  });
});
