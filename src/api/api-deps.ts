import type { WorkflowClient } from '@temporalio/client';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import type { CredentialCipher } from '../providers/credential-cipher.js';

/** Everything the API touches, passed in by its entrypoint or a test (no globals). */
export interface ApiDeps {
  db: Db;
  /** Starts, signals and queries campaign workflows. */
  temporal: WorkflowClient;
  /** Task queue campaign workflows are started on. */
  taskQueue: string;
  /** Public base URL providers call back on (`https://sms.example.com`, no trailing slash needed). */
  publicBaseUrl: string;
  /** Encrypts provider credentials before they are stored. */
  cipher: CredentialCipher;
  /** Provider webhook routes (built by webhook-routes.ts), mounted unauthenticated at `/v1/webhooks`. */
  webhookRoutes?: Hono;
  /** Base URL of the Temporal Web UI (`http://127.0.0.1:8233`); when set, campaigns link to their workflow. */
  temporalUiUrl?: string;
  /**
   * The business clock (src/clock.ts): consent timestamps and their "not in the future" checks,
   * import times.
   */
  now: Clock;
  logger: Logger;
}
