import { randomBytes } from 'node:crypto';
import { Connection, WorkflowClient } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../src/api/app.js';
import { createAccount } from '../../src/db/account-repository.js';
import type { Db } from '../../src/db/connection.js';
import { CredentialCipher } from '../../src/providers/credential-cipher.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { testClock } from '../helpers/test-clock.js';
import type { TestClock } from '../helpers/test-clock.js';

/** A test account and its plaintext API key. */
export interface TestAccount {
  id: string;
  apiKey: string;
}

/** The API over a fresh database, called in-process with `app.request` (no server). */
export interface ApiTestContext {
  db: Db;
  cipher: CredentialCipher;
  app: ReturnType<typeof createApp>;
  /** The API's business clock: starts at the suite's instant (test-clock.ts); tests may set it. */
  clock: TestClock;
  /** Two accounts, to check scoping. */
  alice: TestAccount;
  bob: TestAccount;
  /**
   * Sends a request as `as` (default alice; `null` sends no Authorization header). A string body is
   * sent as text/csv, anything else as JSON.
   */
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; as?: TestAccount | null; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export const PUBLIC_BASE_URL = 'https://sms.example.test';

/**
 * Builds the app against a fresh, migrated database. Temporal is a client on a lazy connection to
 * a port where nothing listens: only routes that never reach Temporal are tested with it.
 */
export async function createApiTestContext(): Promise<ApiTestContext> {
  const { db, drop } = await createTestDatabase();
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const temporal = new WorkflowClient({ connection });
  const cipher = new CredentialCipher(randomBytes(32).toString('base64'));
  const clock = testClock();
  const app = createApp({
    db,
    temporal,
    taskQueue: 'api-test',
    publicBaseUrl: PUBLIC_BASE_URL,
    cipher,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    now: clock,
  });
  const a = await createAccount(db, 'alice');
  const b = await createAccount(db, 'bob');
  const alice = { id: a.account.id, apiKey: a.apiKey };
  const bob = { id: b.account.id, apiKey: b.apiKey };
  return {
    db,
    cipher,
    app,
    clock,
    alice,
    bob,
    async call(method, path, opts = {}) {
      const as = opts.as === undefined ? alice : opts.as;
      const headers: Record<string, string> = { ...(as ? { authorization: `Bearer ${as.apiKey}` } : {}) };
      let body: string | undefined;
      if (typeof opts.body === 'string') {
        headers['content-type'] = 'text/csv';
        body = opts.body;
      } else if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }
      return app.request(path, {
        method,
        headers: { ...headers, ...opts.headers },
        ...(body !== undefined ? { body } : {}),
      });
    },
    async close() {
      await connection.close().catch(() => undefined);
      await drop();
    },
  };
}

/** Reads a JSON (or problem+json) body with a type the test asserts on. */
export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
