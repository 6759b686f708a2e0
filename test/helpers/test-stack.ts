import { randomBytes, randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import pino from 'pino';
import { inject } from 'vitest';
import { createProviderResolver } from '../../src/activities/provider-resolver.js';
import { startApiServer } from '../../src/api/api-server.js';
import type { ApiServer } from '../../src/api/api-server.js';
import type { DlrDispatcherOptions } from '../../src/api/dlr-dispatcher.js';
import type { InboundMessageStarterOptions } from '../../src/api/inbound-message-starter.js';
import { createAccount } from '../../src/db/account-repository.js';
import type { Db } from '../../src/db/connection.js';
import type { CampaignStats } from '../../src/db/campaign-stats.js';
import { CredentialCipher } from '../../src/providers/credential-cipher.js';
import { startSandboxProvider } from '../../src/providers/sandbox/sandbox-server.js';
import type { SandboxBehaviourPatch } from '../../src/providers/sandbox/sandbox-behaviour.js';
import type { SandboxProvider } from '../../src/providers/sandbox/sandbox-server.js';
import { createSmsflowWorker } from '../../src/worker/create-worker.js';
import { createTestDatabase } from './test-database.js';
import { realTestClock, testClock } from './test-clock.js';
import type { TestClock } from './test-clock.js';

/** Everything a campaign needs, for real: PostgreSQL, Temporal, the API over HTTP, a worker, the sandbox. */
export interface TestStack {
  db: Db;
  databaseUrl: string;
  env: TestWorkflowEnvironment;
  taskQueue: string;
  credentialsKey: string;
  sandbox: SandboxProvider;
  api: ApiServer;
  apiKey: string;
  accountId: string;
  connectionId: string;
  /**
   * The business clock of the API, the webhook intake and every worker of the stack (in-process, and
   * spawned ones via `CLOCK_START_AT`): see {@link startTestStack}'s `clock`.
   */
  clock: TestClock;
  /** Calls the API with the account's key; JSON in, JSON out. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** Starts (another) in-process worker on the stack's task queue. */
  startWorker(): Promise<{ worker: Worker; done: Promise<void> }>;
  /** Inserts `n` contacts (New York) with an opt-in dated a day before the stack's clock, straight into the database. */
  seedContacts(n: number, attributes?: (i: number) => Record<string, string>): Promise<string[]>;
  /** Creates a campaign over the API (one variant unless given) and returns its id. */
  createCampaign(settings: Record<string, number | string>, variants?: { key: string; weight: number; body: string }[]): Promise<string>;
  /** Polls the campaign until its status is final; returns the GET body. */
  waitForCampaign(campaignId: string, timeoutMs: number): Promise<CampaignBody>;
  close(): Promise<void>;
}

export interface CampaignBody {
  id: string;
  status: string;
  workflow_id?: string;
  stats: CampaignStats;
  progress: unknown;
}

/**
 * Builds a {@link TestStack}; `worker: false` leaves starting workers to the test.
 *
 * `clock` is the stack's business clock: a {@link TestClock}, or an ISO instant it starts at, or
 * `'real'` for the system clock (a test whose subject is real time). Default: the suite's instant
 * (`SMSFLOW_TEST_CLOCK`, else DEFAULT_TEST_INSTANT: US night). A test whose outcome depends on the
 * hour — messages to US numbers through a real provider's adapter, which never skips quiet hours —
 * pins an instant where its recipients may be sent to (US_BUSINESS_HOURS) instead of relying on it.
 */
export async function startTestStack(
  options: {
    sandbox?: SandboxBehaviourPatch;
    worker?: boolean;
    dispatcher?: DlrDispatcherOptions;
    inbound?: InboundMessageStarterOptions;
    clock?: TestClock | string;
  } = {},
): Promise<TestStack> {
  const clock = typeof options.clock === 'function' ? options.clock : options.clock === 'real' ? realTestClock() : testClock(options.clock);
  const { db, url, drop } = await createTestDatabase();
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
  const taskQueue = `test-${randomUUID()}`;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const credentialsKey = randomBytes(32).toString('base64');
  const cipher = new CredentialCipher(credentialsKey);
  const sandbox = await startSandboxProvider({ behaviour: options.sandbox ?? {} });
  const api = await startApiServer({
    db,
    temporal: env.client.workflow,
    cipher,
    logger,
    now: clock,
    taskQueue,
    host: '127.0.0.1',
    port: 0,
    dispatcher: options.dispatcher ?? { flushIntervalMs: 100, sweepIntervalMs: 1_000, sweepMinAgeMs: 1_000, redeliverAfterMs: 3_000 },
    inbound: options.inbound ?? { concatWaitMs: 3_000, sweepIntervalMs: 1_000, sweepMinAgeMs: 1_000 },
  });
  const workers: { worker: Worker; done: Promise<void> }[] = [];
  const startWorker = async () => {
    const worker = await createSmsflowWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundlePath: inject('workflowBundlePath'),
      deps: {
        db,
        providers: createProviderResolver(db, cipher, 1_000),
        logger,
        publicBaseUrl: api.publicBaseUrl,
        now: clock,
      },
    });
    const entry = { worker, done: worker.run() };
    workers.push(entry);
    return entry;
  };
  if (options.worker !== false) await startWorker();
  const { account, apiKey } = await createAccount(db, 'test account');

  const call = async <T,>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const isText = typeof body === 'string';
    const res = await fetch(api.url + path, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': isText ? 'text/csv' : 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  };

  const conn = await call<{ id: string }>('POST', '/v1/connections', {
    provider: 'sandbox',
    name: 'sandbox',
    config: { baseUrl: sandbox.url },
    credentials: { apiKey: sandbox.apiKey, webhookSecret: sandbox.webhookSecret },
  });
  if (conn.status !== 201) throw new Error(`connection create failed: ${conn.status} ${JSON.stringify(conn.body)}`);

  return {
    db,
    databaseUrl: url,
    env,
    taskQueue,
    credentialsKey,
    sandbox,
    api,
    apiKey,
    accountId: account.id,
    connectionId: conn.body.id,
    clock,
    call,
    startWorker,
    async seedContacts(n, attributes) {
      const ids: string[] = [];
      for (let start = 0; start < n; start += 5_000) {
        // Unique loopback-only test numbers derived from the index (+1 202 1xx xxxx).
        const rows = Array.from({ length: Math.min(5_000, n - start) }, (_, k) => {
          const i = start + k;
          return { id: randomUUID(), phone: `+1202${String(1_000_000 + i).padStart(7, '0')}`, i };
        });
        await db
          .insertInto('contacts')
          .values(rows.map((r) => ({ id: r.id, account_id: account.id, phone_e164: r.phone, country: 'US', time_zone: 'America/New_York', attributes: JSON.stringify({ first_name: `Name${r.i}`, ...(attributes?.(r.i) ?? {}) }) })))
          .execute();
        await db
          .insertInto('consent_events')
          .values(rows.map((r) => ({ account_id: account.id, contact_id: r.id, phone_e164: r.phone, status: 'opted_in' as const, source: 'test_seed', occurred_at: new Date(clock().getTime() - 86_400_000), proof: '{}', dedupe_key: `seed:${r.phone}` })))
          .execute();
        ids.push(...rows.map((r) => r.id));
      }
      return ids;
    },
    async createCampaign(settings, variants) {
      const res = await call<{ id: string }>('POST', '/v1/campaigns', {
        name: 'test campaign',
        connection_id: conn.body.id,
        sender: '+12015550100',
        variants: variants ?? [{ key: 'A', weight: 1, body: 'Hi {{ first_name }}, reply STOP to opt out.' }],
        settings,
      });
      if (res.status !== 201) throw new Error(`campaign create failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    },
    async waitForCampaign(campaignId, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await call<CampaignBody>('GET', `/v1/campaigns/${campaignId}`);
        if (['completed', 'canceled', 'failed'].includes(res.body.status)) return res.body;
        if (Date.now() > deadline) throw new Error(`campaign ${campaignId} not final after ${timeoutMs} ms: ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async close() {
      for (const w of workers) {
        if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
        await w.done.catch(() => undefined);
      }
      await api.close();
      await sandbox.close();
      await env.teardown();
      await drop();
    },
  };
}

/** Count of rows in a table matching a raw condition, for assertions. */
export async function countWhere(db: Db, table: string, where: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE ${sql.raw(where)}`.execute(db);
  return r.rows[0]?.n ?? 0;
}
