import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createConnection } from 'node:net';
import { ALL_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** The `temporal` binary (see ensureTemporalCli). */
  cliPath: string;
  ip?: string;
  /** gRPC port; default 7233. */
  port?: number;
  /** Web UI port; default 8233. `null` runs headless. */
  uiPort?: number | null;
  /** SQLite file so workflows survive a restart; omitted = in memory. */
  dbFilename?: string;
  namespace?: string;
  /** Extra `--dynamic-config-value KEY=JSON` entries, e.g. `limit.historyCount.suggestContinueAsNew=40`. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** File that receives the server's stdout/stderr; default: discarded. */
  logFile?: string;
  /** Detach the server so it outlives this process (used by `smsflow dev`/demo). */
  detached?: boolean;
  /** How long to wait for the frontend to accept connections, ms; default 60,000. */
  startTimeoutMs?: number;
}

/** A running dev server. */
export interface DevServer {
  address: string;
  uiUrl: string | null;
  pid: number | undefined;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** Resolves true when something accepts TCP connections on host:port within `timeoutMs`. */
export function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function searchAttributeFlag(key: { name: string; type: string }): string {
  const types: Record<string, string> = {
    KEYWORD: 'Keyword',
    TEXT: 'Text',
    INT: 'Int',
    DOUBLE: 'Double',
    BOOL: 'Bool',
    DATETIME: 'Datetime',
    KEYWORD_LIST: 'KeywordList',
  };
  return `${key.name}=${types[key.type] ?? 'Keyword'}`;
}

/**
 * Starts `temporal server start-dev` with smsflow's search attributes registered and waits until
 * its frontend answers. We launch it ourselves rather than through `@temporalio/testing`'s
 * `createLocal`, whose start-up limit is a hard-coded 5 s (reference/temporal.md §1.1) — too tight
 * for a cold start on a loaded 2-core CI machine; tests then attach with `createFromExistingServer`.
 * @throws Error when the process exits early or does not answer within `startTimeoutMs`.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', 'warn'];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort ?? 8233));
  if (options.dbFilename) {
    await mkdir(dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  for (const key of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', searchAttributeFlag(key));
  for (const [k, v] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
  }
  let stdio: 'ignore' | number = 'ignore';
  if (options.logFile) {
    await mkdir(dirname(options.logFile), { recursive: true });
    stdio = openSync(options.logFile, 'a');
  }
  const child: ChildProcess = spawn(options.cliPath, args, {
    stdio: ['ignore', stdio, stdio],
    detached: options.detached ?? false,
  });
  if (typeof stdio === 'number') closeSync(stdio); // the child holds its own copy
  if (options.detached) child.unref();
  let exited = '';
  child.once('exit', (code, signal) => (exited = `exited with ${String(code ?? signal)}`));
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await isPortOpen(ip, port))) {
    if (exited) throw new Error(`temporal server start-dev ${exited} (args: ${args.join(' ')})`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal server start-dev did not answer on ${ip}:${port} in time`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const uiUrl = options.uiPort === null ? null : `http://${ip}:${options.uiPort ?? 8233}`;
  return {
    address: `${ip}:${port}`,
    uiUrl,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
