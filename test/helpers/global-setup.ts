import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/temporal/dev-server.js';
import { ensureTemporalCli } from '../../src/temporal/temporal-cli.js';
import { WORKFLOWS_PATH } from '../../src/worker/create-worker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * Once per test run: the real Temporal dev server (the CLI built from the Go module proxy, never a
 * download) on a free port, in memory, and one workflow bundle every test worker reuses.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cliPath = await ensureTemporalCli(process.env.TEMPORAL_CLI_PATH);
  const port = 17233 + Math.floor(Math.random() * 1000);
  const server = await startDevServer({
    cliPath,
    port,
    uiPort: null,
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 2000 },
  });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const workflowBundlePath = join(tmpdir(), `smsflow-workflows-${process.pid}.js`);
  await writeFile(workflowBundlePath, code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await server.stop();
    await rm(workflowBundlePath, { force: true });
  };
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop };
