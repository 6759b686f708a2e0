/**
 * One HTTP target of the webhook benchmark (S3), run as a child process so it can be `kill -9`ed:
 * `node webhook-api-child.js <smsflow|bare|insert>` with BENCH_DB_URL and BENCH_CREDENTIALS_KEY in the
 * environment. Prints one JSON line `{"port":N}` once listening on 127.0.0.1 (free port).
 * - `smsflow`: the real API (webhook routes: signature check, parse, log insert, 2xx, dispatcher);
 * - `bare`: a Hono route answering JSON (C3, the upper bound);
 * - `insert`: a Hono route doing one raw `pg` INSERT of the body, then answering (the "persist then
 *   answer" floor).
 *
 * @module
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { WorkflowClient } from '@temporalio/client';
import { Hono } from 'hono';
import pg from 'pg';
import pino from 'pino';
import { startApiServer } from '../src/api/api-server.js';
import { systemClock } from '../src/clock.js';
import { createDb } from '../src/db/connection.js';
import { CredentialCipher } from '../src/providers/credential-cipher.js';

/** Connections of every target's PostgreSQL pool. */
export const TARGET_POOL_SIZE = 10;

async function listen(app: Hono): Promise<number> {
  return new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve((s.address() as AddressInfo).port));
  });
}

async function main(mode: string): Promise<number> {
  const url = process.env.BENCH_DB_URL!;
  if (mode === 'smsflow') {
    const db = createDb(url, TARGET_POOL_SIZE);
    // Lazy: it connects only if a receipt matches a message with a live batch (none in this benchmark).
    const temporal = new WorkflowClient();
    const api = await startApiServer({
      db,
      temporal,
      cipher: new CredentialCipher(process.env.BENCH_CREDENTIALS_KEY!),
      logger: pino({ level: 'error' }),
      now: systemClock,
      taskQueue: 'bench-webhooks',
      host: '127.0.0.1',
      port: 0,
    });
    return Number(new URL(api.url).port);
  }
  const app = new Hono();
  if (mode === 'bare') {
    app.post('/v1/webhooks/:connectionId/dlr', async (c) => {
      await c.req.text();
      return c.json({ received: 1, duplicates: 0 });
    });
  } else {
    const pool = new pg.Pool({ connectionString: url, max: TARGET_POOL_SIZE });
    app.post('/v1/webhooks/:connectionId/dlr', async (c) => {
      const body = await c.req.text();
      await pool.query('INSERT INTO bench_raw_callbacks (body) VALUES ($1)', [body]);
      return c.json({ received: 1, duplicates: 0 });
    });
  }
  return listen(app);
}

// A clean exit on SIGTERM lets `node --cpu-prof` write its profile when profiling a target.
process.on('SIGTERM', () => process.exit(0));

main(process.argv[2] ?? 'smsflow').then(
  (port) => process.stdout.write(`${JSON.stringify({ port })}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
