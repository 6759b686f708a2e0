import { readFile } from 'node:fs/promises';
import { Worker } from '@temporalio/worker';
import { describe, inject, it } from 'vitest';

/**
 * Replays the history of a campaign scheduled with `start_at`, recorded by the code from before the
 * start was measured on the business clock (it compared start_at with workflow time and slept on one
 * timer), against today's workflow code: the 'start-at-by-business-clock' patch must keep such a
 * running campaign on its old path. (Recorded with a scheduled campaign of three recipients whose
 * start was 3 s ahead; the history of the campaign workflow only, its batch is another workflow.)
 */
describe('campaign workflow replay', () => {
  it('a campaign scheduled before the business clock replays deterministically', async () => {
    const history: unknown = JSON.parse(await readFile('test/fixtures/scheduled-campaign-history.json', 'utf8'));
    // The recorded workflow id: its batch's child workflow id is derived from it.
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, 'campaign/50fddc81-0bbf-4e3c-894c-35ac58357188');
  });
});
