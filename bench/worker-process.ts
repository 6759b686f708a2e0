import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/project-root.js';
import { sleep } from './bounded-wait.js';

/** Linux clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every mainstream kernel). */
const CLOCK_TICKS = 100;

/** Resident set size of `pid` in MB from /proc/<pid>/status (VmRSS), or null when unreadable. */
export function readRssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU seconds `pid` has used so far, from /proc/<pid>/stat, or null when unreadable. */
export function readCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Peak and last RSS of a process, sampled on an interval. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  peakMb = 0;
  lastMb = 0;
  samples = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  /** Takes one sample now; keeps the peak. */
  sample(): number | null {
    const mb = readRssMb(this.pid);
    if (mb !== null) {
      this.samples += 1;
      this.lastMb = mb;
      this.peakMb = Math.max(this.peakMb, mb);
    }
    return mb;
  }

  /** Forgets the peak (e.g. after start-up) and samples every interval until {@link stop}. */
  start(): void {
    this.peakMb = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** A `smsflow worker` child process. */
export interface WorkerProcess {
  pid: number;
  /** Everything it wrote to stderr/stdout (LOG_LEVEL=warn keeps it short), last 64 kB. */
  output(): string;
  /** True once it has exited. */
  exited(): boolean;
  /** SIGTERM (Temporal drains for its shutdownGraceTime), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Every worker child started and not yet reaped, killed on process exit as a last resort. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Starts `node bin/smsflow.js worker` with `env` (the whole environment of the child), so its RSS
 * and CPU can be read from /proc apart from the API and sandbox running in the benchmark process.
 */
export function spawnWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'smsflow.js'), 'worker'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start the worker process');
  live.add(child);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let hasExited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      hasExited = true;
      live.delete(child);
      resolve();
    }),
  );
  const pid = child.pid;
  return {
    pid,
    output: () => out,
    exited: () => hasExited,
    stop: async (graceMs = 20_000) => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const killed = await Promise.race([gone.then(() => false), sleep(graceMs).then(() => true)]);
      if (killed) {
        child.kill('SIGKILL');
        await Promise.race([gone, sleep(5_000)]);
      }
    },
  };
}
