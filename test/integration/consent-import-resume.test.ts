import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsentImportActivities } from '../../src/activities/consent-import-activities.js';
import type { ProviderResolver } from '../../src/activities/provider-resolver.js';
import { createAccount } from '../../src/db/account-repository.js';
import { createConsentImport, findConsentImport } from '../../src/db/consent-import-repository.js';
import type { Db } from '../../src/db/connection.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { testClock } from '../helpers/test-clock.js';

const clock = testClock();

let db: Db;
let drop: () => Promise<void>;
let dir: string;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
  dir = await mkdtemp(join(tmpdir(), 'smsflow-resume-'));
});
afterAll(async () => {
  await drop();
  await rm(dir, { recursive: true, force: true });
});

describe('runConsentImport after a worker restart', () => {
  it('resumes after the line of its last heartbeat: earlier rows are not written again, counters carry on', async () => {
    const path = join(dir, 'ten.csv');
    const rows = Array.from({ length: 10 }, (_, i) => `+1202${String(4_000_000 + i)},2025-03-01T00:00:0${i}Z`);
    await writeFile(path, ['phone,opted_in_at', ...rows].join('\n') + '\n');
    const { account } = await createAccount(db, 'resume');
    const id = randomUUID();
    await createConsentImport(db, { id, accountId: account.id, filePath: path, fileName: 'ten.csv', fileBytes: 0, defaultCountry: 'US', apiKeyPrefix: 'test', createdAt: clock() });
    const activities = createConsentImportActivities({ db, providers: {} as ProviderResolver, logger: pino({ level: 'silent' }), publicBaseUrl: 'http://127.0.0.1', now: clock });

    // What the killed attempt had committed and heartbeated: lines 2..7 (six rows).
    const checkpoint = { line: 7, linesRead: 7, rowsImported: 6, rowsUnchanged: 0, rowsRefused: 0 };
    const env = new MockActivityEnvironment({ heartbeatDetails: checkpoint, attempt: 2 });
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    const result: unknown = await env.run((input: { importId: string }) => activities.runConsentImport(input), { importId: id });

    expect(result).toMatchObject({ status: 'completed', rowsImported: 10, linesRead: 11 });
    const written = await db.selectFrom('consent_events').select('phone_e164').orderBy('phone_e164').execute();
    // Only lines 8..11 were written by this attempt (the test database never saw lines 2..7).
    expect(written.map((r) => r.phone_e164)).toEqual(rows.slice(6).map((r) => r.split(',')[0]));
    expect(heartbeats.at(-1)).toMatchObject({ line: 11, rowsImported: 10 });
    expect(await findConsentImport(db, id)).toMatchObject({ status: 'completed', rows_imported: '10', lines_read: '11', total_lines: '11' });
  });
});
