import { spawn } from 'node:child_process';
import { access, constants, mkdir, rmdir, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The Temporal CLI version smsflow builds: v1.5.1 is the newest tag whose go.mod has no `replace`
 * directive, so `go install …@v1.5.1` works through the Go module proxy (reference/temporal.md §0.1).
 * It embeds Temporal Server v1.29.1 and the Web UI.
 */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** Where the binary is cached, outside the repository: `$XDG_CACHE_HOME/smsflow/temporal-cli-1.5.1/temporal`. */
export function defaultTemporalCliPath(env: Record<string, string | undefined> = process.env): string {
  const cache = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'smsflow', `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/** Thrown when `go install` of the CLI fails; `output` holds go's exact stderr. */
export class TemporalCliBuildError extends Error {
  readonly code = 'temporal_cli_build_failed';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output}`);
    this.name = 'TemporalCliBuildError';
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the path of a runnable `temporal` binary, building it with
 * `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` (CGO off: its SQLite is pure Go) into
 * the cache when it is missing. The build pulls ~165 modules: minutes on 2 cores, once per machine.
 * @param path explicit binary (TEMPORAL_CLI_PATH); used as is when given.
 * @throws {TemporalCliBuildError} when go is missing or the build fails.
 */
export async function ensureTemporalCli(
  path?: string,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<string> {
  if (path) {
    if (await isExecutable(path)) return path;
    throw new TemporalCliBuildError(`TEMPORAL_CLI_PATH=${path} is not an executable file`, '');
  }
  const target = defaultTemporalCliPath();
  if (await isExecutable(target)) return target;
  const gobin = join(target, '..');
  await mkdir(gobin, { recursive: true });
  const lock = join(gobin, '.building');
  await acquireBuildLock(lock);
  try {
    // Another process may have built it while we waited: concurrent bootstraps share one build.
    if (await isExecutable(target)) return target;
    return await buildTemporalCli(target, gobin, log);
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** A build older than this is presumed dead (killed process) and its lock is broken. */
const STALE_BUILD_LOCK_MS = 30 * 60_000;

/** Takes the build lock (an atomic `mkdir`), polling every 2 s while another process holds it. */
async function acquireBuildLock(lock: string): Promise<void> {
  for (;;) {
    try {
      await mkdir(lock);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > STALE_BUILD_LOCK_MS) await rmdir(lock).catch(() => undefined);
      await sleep(2_000);
    }
  }
}

async function buildTemporalCli(target: string, gobin: string, log: (line: string) => void): Promise<string> {
  log(`Building the temporal CLI v${TEMPORAL_CLI_VERSION} into ${gobin} (go install; first run only, a few minutes)…`);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', (err) => reject(new TemporalCliBuildError(`cannot run go: ${err.message}`, text)));
    child.on('exit', (code) =>
      code === 0 ? resolve(text) : reject(new TemporalCliBuildError(`go install exited with ${code}`, text)),
    );
  });
  if (!(await isExecutable(target))) throw new TemporalCliBuildError('go install produced no binary', output);
  log(`temporal CLI ready: ${target}`);
  return target;
}
