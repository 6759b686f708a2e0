import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/create-activities.js';

const { runConsentImport } = proxyActivities<Activities>({
  startToCloseTimeout: '4 hours',
  // A killed worker is noticed within this and the import resumes elsewhere from its last heartbeat.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

/** Workflow id of an import. */
export function consentImportWorkflowId(importId: string): string {
  return `consent-import/${importId}`;
}

/**
 * Imports one uploaded consent CSV (`consent_imports` row `importId`) with one heartbeating streaming
 * activity; progress lives in PostgreSQL (readable while it runs), the workflow's history stays a
 * handful of events at any file size. A malformed file fails the workflow with the activity's
 * non-retryable failure (its type names the problem).
 */
export async function consentImportWorkflow(input: { importId: string }) {
  return runConsentImport(input);
}
