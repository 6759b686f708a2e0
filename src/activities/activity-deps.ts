import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/connection.js';
import type { ProviderResolver } from './provider-resolver.js';

/**
 * Everything activities touch, passed in by the worker (or a test) — nothing reads a global db or
 * config (STYLE.md habit 4).
 */
export interface ActivityDeps {
  db: Db;
  providers: ProviderResolver;
  logger: Logger;
  /** Base URL providers call back on, e.g. `https://sms.example.com` (no trailing slash). */
  publicBaseUrl: string;
  /** Parallel provider calls inside one send activity. */
  sendConcurrency?: number;
  /**
   * The business clock (src/clock.ts): quiet hours, local-time scheduling, validity, scheduled starts,
   * frequency caps and consent timestamps read it. Pacing stays on the wall clock (send-pacer.ts).
   */
  now: Clock;
}
