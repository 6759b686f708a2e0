/**
 * S6 (benchmarks.md): bulk consent CSV import. One generated file of BENCH_IMPORT_ROWS rows (default
 * 1,000,000), three passes in the same run:
 * - parse-and-validate only (csv-parse + libphonenumber-js, no database): the CPU ceiling;
 * - raw server-side `COPY` of the same file into an unindexed table: the database ceiling (C2(d));
 * - the real import: the `runConsentImport` activity (whole-file check, parse, validate, upsert contacts,
 *   append the ledger in chunks, progress) run in a MockActivityEnvironment (a real activity context
 *   with heartbeats; the workflow around it adds a handful of history events only).
 * Figures: rows/s of each, ratio to min(COPY, parse-only), peak RSS sampled during each pass.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import os from 'node:os';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { createConsentImportActivities } from '../src/activities/consent-import-activities.js';
import { systemClock } from '../src/clock.js';
import { parseConsentCsv } from '../src/consent/consent-csv.js';
import { createAccount } from '../src/db/account-repository.js';
import { createConsentImport } from '../src/db/consent-import-repository.js';
import type { ProviderResolver } from '../src/activities/provider-resolver.js';
import { createBenchDatabase } from './bench-database.js';
import { collectBenchEnv } from './bench-env.js';
import { formatEnv, formatResultTable, meets, round, writeResult } from './bench-report.js';
import type { ScenarioResult } from './bench-report.js';
import type { ScenarioContext } from './campaign-bench.js';

/** Writes a consent CSV of `rows` valid US numbers with ISO dates and one attribute. */
async function generateFile(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('phone,opted_in_at,first_name\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += `+1202${String(2_000_000 + i)},2025-0${1 + (i % 9)}-1${i % 10}T10:00:00Z,Name${i}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return (await stat(path)).size;
}

/** Runs `fn`, sampling this process's RSS every 50 ms; returns its duration and the peak RSS (MB). */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started, peakRssMb: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** `npm run bench -- import`. */
export async function runConsentImportScenario(ctx: ScenarioContext): Promise<ScenarioResult> {
  const rows = Number(ctx.baseEnv.BENCH_IMPORT_ROWS ?? 1_000_000);
  const loadavgAtStart = os.loadavg();
  const path = join(tmpdir(), `smsflow-bench-consent-${randomUUID()}.csv`);
  const bench = await createBenchDatabase(ctx.config.DATABASE_URL, 4);
  try {
    ctx.log(`generating ${rows} rows into ${path}`);
    const bytes = await generateFile(path, rows);
    ctx.log(`${(bytes / 2 ** 20).toFixed(1)} MB; pass 1: parse and validate, no database`);
    const parse = await measured(async () => {
      let ok = 0;
      for await (const row of parseConsentCsv(createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>, {})) if (row.ok) ok++;
      return ok;
    });
    ctx.log('pass 2: raw server-side COPY into an unindexed table');
    await sql`CREATE UNLOGGED TABLE bench_raw_consent (phone text, opted_in_at text, first_name text)`.execute(bench.db);
    const copy = await measured(async () => {
      await sql`COPY bench_raw_consent FROM ${sql.lit(path)} WITH (FORMAT csv, HEADER true)`.execute(bench.db);
    });
    const copied = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM bench_raw_consent`.execute(bench.db)).rows[0]!.n);
    ctx.log('pass 3: the runConsentImport activity (check, parse, validate, contacts, ledger, progress)');
    const { account } = await createAccount(bench.db, 'bench');
    const importId = randomUUID();
    await createConsentImport(bench.db, { id: importId, accountId: account.id, filePath: path, fileName: 'bench.csv', fileBytes: bytes, defaultCountry: 'US', apiKeyPrefix: 'bench', createdAt: systemClock() });
    const activities = createConsentImportActivities({ db: bench.db, providers: {} as ProviderResolver, logger: pino({ level: 'warn' }), publicBaseUrl: 'http://127.0.0.1', now: systemClock });
    const env = new MockActivityEnvironment();
    type ImportOutcome = Awaited<ReturnType<typeof activities.runConsentImport>>;
    const full = await measured(async () => {
      const outcome: unknown = await env.run((input: { importId: string }) => activities.runConsentImport(input), { importId });
      return outcome as ImportOutcome;
    });
    const ledger = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM consent_events`.execute(bench.db)).rows[0]!.n);

    const parseRate = parse.value / (parse.ms / 1000);
    const copyRate = copied / (copy.ms / 1000);
    const importRate = full.value.rowsImported / (full.ms / 1000);
    const ceiling = Math.min(parseRate, copyRate);
    const result: ScenarioResult = {
      scenario: 'import',
      value: round(importRate),
      unit: 'rows/s',
      goal: 50_000,
      goal_is: 'min',
      baseline: { name: 'min(COPY, parse-only)', value: round(ceiling), unit: 'rows/s' },
      ratio: round(importRate / ceiling),
      goals: [
        { name: 'end-to-end import', value: importRate, unit: 'rows/s', goal: 50_000, goal_is: 'min', met: meets(importRate, 50_000, 'min') },
        { name: 'ratio to min(COPY, parse-only)', value: importRate / ceiling, unit: '×', goal: 0.5, goal_is: 'min', met: meets(importRate / ceiling, 0.5, 'min') },
      ],
      figures: {
        rows,
        file_mb: round(bytes / 2 ** 20),
        parse_only_rows_per_s: round(parseRate),
        copy_rows_per_s: round(copyRate),
        import_rows_per_s: round(importRate),
        import_seconds: round(full.ms / 1000),
        ledger_entries: ledger,
        peak_rss_mb: { parse_only: round(parse.peakRssMb), copy: round(copy.peakRssMb), import: round(full.peakRssMb) },
      },
      notes: [
        'COPY is server-side (the file is on the PostgreSQL host): no client parsing, no validation, no indexes.',
        'The import runs the real activity under MockActivityEnvironment (no Temporal server needed); its workflow adds ~10 history events.',
        'Peak RSS is this process, sampled every 50 ms; flat in the row count means it does not grow with BENCH_IMPORT_ROWS.',
      ],
      env: await collectBenchEnv(bench.db, ctx.config, { temporalStartedHere: false, loadavgAtStart, loadGenerator: 'generated CSV file' }),
    };
    console.log(`\nS6 consent import, ${rows} rows\n${formatEnv(result.env)}\n`);
    console.log(
      formatResultTable(result, [
        ['parse + validate only', `${round(parseRate)} rows/s`],
        ['raw COPY', `${round(copyRate)} rows/s`],
        ['peak RSS parse / COPY / import', `${round(parse.peakRssMb)} / ${round(copy.peakRssMb)} / ${round(full.peakRssMb)} MB`],
      ]),
    );
    console.log(`result: ${await writeResult(result)}`);
    return result;
  } finally {
    await rm(path, { force: true });
    await bench.drop();
  }
}
