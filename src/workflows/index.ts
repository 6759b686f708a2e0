/** The workflow bundle's entry: every workflow smsflow registers with the worker. */
export { campaignWorkflow } from './campaign-workflow.js';
export { sendBatchWorkflow } from './send-batch-workflow.js';
export { inboundMessageWorkflow } from './inbound-message-workflow.js';
export { consentImportWorkflow } from './consent-import-workflow.js';
export { onboardingWorkflow } from './onboarding-workflow.js';
