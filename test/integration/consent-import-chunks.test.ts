import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_IMPORT_CHUNK, createConsentImportActivities } from '../../src/activities/consent-import-activities.js';
import type { ProviderResolver } from '../../src/activities/provider-resolver.js';
import { createAccount } from '../../src/db/account-repository.js';
import { consentImportErrors, createConsentImport, findConsentImport } from '../../src/db/consent-import-repository.js';
import type { Db } from '../../src/db/connection.js';
import { createTestDatabase } from '../helpers/test-database.js';
import { testClock } from '../helpers/test-clock.js';

const clock = testClock();

let db: Db;
let drop: () => Promise<void>;
let dir: string;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase());
  dir = await mkdtemp(join(tmpdir(), 'smsflow-chunks-'));
});
afterAll(async () => {
  await drop();
  await rm(dir, { recursive: true, force: true });
});

describe('runConsentImport over several chunks (one written while the next is parsed)', () => {
  it('commits chunks in file order, heartbeats increasing committed lines, and lands good rows around bad ones', { timeout: 60_000 }, async () => {
    const total = 2 * CONSENT_IMPORT_CHUNK + 500;
    const bad = new Set([5, CONSENT_IMPORT_CHUNK + 3, total - 1]); // 0-based data rows refused (line = index + 2)
    const lines = Array.from({ length: total }, (_, i) => (bad.has(i) ? `4.47401E+11,2025-01-01` : `+1202${String(2_000_000 + i)},2025-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`));
    const path = join(dir, 'big.csv');
    await writeFile(path, ['phone,opted_in_at', ...lines].join('\n') + '\n');
    const { account } = await createAccount(db, 'chunks');
    const id = randomUUID();
    await createConsentImport(db, { id, accountId: account.id, filePath: path, fileName: 'big.csv', fileBytes: 0, defaultCountry: 'US', apiKeyPrefix: 'test', createdAt: clock() });
    const activities = createConsentImportActivities({ db, providers: {} as ProviderResolver, logger: pino({ level: 'silent' }), publicBaseUrl: 'http://127.0.0.1', now: clock });
    const heartbeats: { line: number; rowsImported: number; rowsRefused: number }[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: { line: number; rowsImported: number; rowsRefused: number }) => heartbeats.push(d));

    const result = await env.run((input: { importId: string }) => activities.runConsentImport(input), { importId: id });
    expect(result).toMatchObject({ status: 'completed', rowsImported: total - bad.size, rowsRefused: bad.size, linesRead: total + 1 });
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < heartbeats.length; i++) {
      expect(heartbeats[i]!.line).toBeGreaterThan(heartbeats[i - 1]!.line);
      expect(heartbeats[i]!.rowsImported + heartbeats[i]!.rowsRefused).toBeGreaterThan(heartbeats[i - 1]!.rowsImported + heartbeats[i - 1]!.rowsRefused);
    }
    // Every row up to a heartbeat's line is counted in it: chunk boundaries are where the rows end.
    expect(heartbeats[0]!.rowsImported + heartbeats[0]!.rowsRefused).toBe(heartbeats[0]!.line - 1);
    expect(heartbeats.at(-1)).toMatchObject({ line: total + 1, rowsImported: total - bad.size });

    const ledger = await db.selectFrom('consent_events').select((eb) => eb.fn.countAll<string>().as('n')).where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(Number(ledger.n)).toBe(total - bad.size);
    const current = await db.selectFrom('consent_current').select((eb) => eb.fn.countAll<string>().as('n')).where('account_id', '=', account.id).where('status', '=', 'opted_in').executeTakeFirstOrThrow();
    expect(Number(current.n)).toBe(total - bad.size);
    expect((await consentImportErrors(db, id, 0, 10)).map((e) => [e.line, e.field])).toEqual([...bad].map((i) => [i + 2, 'phone']));
    expect(await findConsentImport(db, id)).toMatchObject({ status: 'completed', rows_imported: String(total - bad.size), rows_refused: String(bad.size) });

    // A second run of the same file changes nothing.
    const again = randomUUID();
    await createConsentImport(db, { id: again, accountId: account.id, filePath: path, fileName: 'big.csv', fileBytes: 0, defaultCountry: 'US', apiKeyPrefix: 'test', createdAt: clock() });
    const second = await new MockActivityEnvironment().run((input: { importId: string }) => activities.runConsentImport(input), { importId: again });
    expect(second).toMatchObject({ status: 'completed', rowsImported: 0, rowsUnchanged: total - bad.size, rowsRefused: bad.size });
    const ledgerAfter = await db.selectFrom('consent_events').select((eb) => eb.fn.countAll<string>().as('n')).where('account_id', '=', account.id).executeTakeFirstOrThrow();
    expect(Number(ledgerAfter.n)).toBe(total - bad.size);
  });
});
