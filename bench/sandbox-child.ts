/**
 * The sandbox provider as a child process of a benchmark: `node sandbox-child.js '<behaviour patch JSON>'`.
 * Prints one JSON line `{"url","apiKey","webhookSecret"}` once listening on 127.0.0.1 (free port); the
 * benchmark reads its figures over `GET /_sandbox/stats` and `GET /_sandbox/messages`.
 *
 * Why a process of its own: a provider's receive times are what the throttle scenario (S2) measures, and
 * in the benchmark's own process the sandbox shares one event loop with the API server, which takes the
 * sandbox's DLR callbacks (hundreds a second) and signals the batch workflows: its stalls then show up as
 * "send jitter" that no real provider, living elsewhere, would add.
 *
 * @module
 */
import { startSandboxProvider } from '../src/providers/sandbox/sandbox-server.js';
import type { SandboxBehaviourPatch } from '../src/providers/sandbox/sandbox-behaviour.js';

async function main(patch: string): Promise<{ url: string; apiKey: string; webhookSecret: string }> {
  const sandbox = await startSandboxProvider({ behaviour: JSON.parse(patch) as SandboxBehaviourPatch });
  process.on('SIGTERM', () => {
    void sandbox.close().finally(() => process.exit(0));
  });
  return { url: sandbox.url, apiKey: sandbox.apiKey, webhookSecret: sandbox.webhookSecret };
}

main(process.argv[2] ?? '{}').then(
  (info) => process.stdout.write(`${JSON.stringify(info)}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
