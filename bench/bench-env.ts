import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/connection.js';
import { PROJECT_ROOT } from '../src/project-root.js';
import { defaultTemporalCliPath, TEMPORAL_CLI_VERSION } from '../src/temporal/temporal-cli.js';

/** What a run ran on (benchmarks.md §7.3: printed at the top of every report). */
export interface BenchEnv {
  cpu_model: string;
  cpus: number;
  mem_total_mb: number;
  /** 1/5/15-minute load averages when the run started: others share this machine. */
  loadavg_at_start: number[];
  node: string;
  postgres: string;
  synchronous_commit: string;
  fsync: string;
  temporal_cli: string;
  temporal_cli_version_output: string;
  temporal_address: string;
  /** `start-dev` flags of the server we ran against, read from /proc (null when not found locally). */
  temporal_dev_server_flags: string | null;
  /** SQLite file (`--db-filename`) or in memory. */
  temporal_persistence: string;
  temporal_server_started_by_this_run: boolean;
  packages: Record<string, string>;
  load_generator: string;
  calibration: string;
}

/** A local `temporal server start-dev` process serving `port`, found by scanning /proc. */
export function findTemporalDevServer(port: number): { pid: number; argv: string[] } | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    if (!argv.includes('start-dev') || !argv.includes('server')) continue;
    const i = argv.indexOf('--port');
    const p = i >= 0 ? Number(argv[i + 1]) : 7233;
    if (p === port) return { pid: Number(pid), argv };
  }
  return null;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000 }, (err, stdout) => resolve(err ? `(${err.message.split('\n')[0]})` : stdout.trim()));
  });
}

/** Collects {@link BenchEnv}. */
export async function collectBenchEnv(
  db: Db,
  config: Config,
  options: { temporalStartedHere: boolean; loadavgAtStart: number[]; loadGenerator: string },
): Promise<BenchEnv> {
  const show = async (name: string) => (await sql<Record<string, string>>`SHOW ${sql.raw(name)}`.execute(db)).rows[0]?.[name] ?? '?';
  const port = Number(config.TEMPORAL_ADDRESS.split(':')[1] ?? 7233);
  const server = findTemporalDevServer(port);
  const cliPath = server?.argv[0] ?? config.TEMPORAL_CLI_PATH ?? defaultTemporalCliPath();
  const flags = server ? server.argv.slice(1).filter((a, i, all) => a !== '--search-attribute' && all[i - 1] !== '--search-attribute') : null;
  const dbFile = server ? server.argv[server.argv.indexOf('--db-filename') + 1] : undefined;
  return {
    cpu_model: os.cpus()[0]?.model ?? '?',
    cpus: os.cpus().length,
    mem_total_mb: Math.round(os.totalmem() / 1_048_576),
    loadavg_at_start: options.loadavgAtStart.map((l) => Math.round(l * 100) / 100),
    node: process.version,
    postgres: await show('server_version'),
    synchronous_commit: await show('synchronous_commit'),
    fsync: await show('fsync'),
    temporal_cli: TEMPORAL_CLI_VERSION,
    temporal_cli_version_output: await run(cliPath, ['--version']),
    temporal_address: config.TEMPORAL_ADDRESS,
    temporal_dev_server_flags: flags ? `${flags.join(' ')} (+ smsflow search attributes)` : null,
    temporal_persistence: !server ? 'unknown (not a local dev server)' : server.argv.includes('--db-filename') ? `SQLite file ${dbFile ?? '?'} (default pragmas)` : 'SQLite in memory',
    temporal_server_started_by_this_run: options.temporalStartedHere,
    packages: Object.fromEntries(
      ['pg', 'kysely', 'hono', '@hono/node-server', '@temporalio/worker', '@temporalio/client', 'liquidjs'].map((n) => [n, packageVersion(n)]),
    ),
    load_generator: options.loadGenerator,
    calibration: 'C1–C5 (benchmarks.md §7.1) not run by this scenario; the same-run raw-loop baseline is the calibration',
  };
}
