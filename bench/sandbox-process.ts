import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { SandboxBehaviourPatch } from '../src/providers/sandbox/sandbox-behaviour.js';
import type { SandboxMessageRecord, SandboxStats } from '../src/providers/sandbox/sandbox-message-store.js';

/** A sandbox provider running in a child process (bench/sandbox-child.ts), inspected over HTTP. */
export interface SandboxProcess {
  readonly url: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly pid: number;
  /** `GET /_sandbox/stats?recipients=false`. */
  stats(): Promise<SandboxStats>;
  /** Receive times (epoch ms) of the messages submitted with these client refs; unknown refs are skipped. */
  receivedAt(clientRefs: string[]): Promise<number[]>;
  /** Stops the child. Never throws. */
  close(): Promise<void>;
}

/** Parallel inspection requests. */
const INSPECT_CONCURRENCY = 32;

/**
 * Starts the sandbox in its own process with `behaviour` and resolves once it listens.
 * @throws Error when the child exits before printing its address.
 */
export async function startSandboxProcess(behaviour: SandboxBehaviourPatch): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(process.execPath, [new URL('./sandbox-child.js', import.meta.url).pathname, JSON.stringify(behaviour)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox child exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; apiKey: string; webhookSecret: string };
  const getJson = async <T>(path: string): Promise<T | undefined> => {
    const res = await fetch(info.url + path);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`sandbox ${path} → ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    ...info,
    pid: child.pid!,
    stats: async () => (await getJson<SandboxStats>('/_sandbox/stats?recipients=false'))!,
    receivedAt: async (refs) => {
      const out: number[] = [];
      for (let i = 0; i < refs.length; i += INSPECT_CONCURRENCY) {
        const recs = await Promise.all(refs.slice(i, i + INSPECT_CONCURRENCY).map((r) => getJson<SandboxMessageRecord>(`/_sandbox/messages?client_ref=${encodeURIComponent(r)}`)));
        for (const rec of recs) if (rec?.id) out.push(Date.parse(rec.createdAt));
      }
      return out;
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
