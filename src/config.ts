import { z } from 'zod';

/**
 * Every setting smsflow reads from the environment, parsed once per entrypoint by {@link loadConfig}
 * into a frozen object that is passed down (STYLE.md habit 5). Nothing else reads `process.env`.
 *
 * Temporal settings follow Temporal's own names so the same process runs against the local dev
 * server, a self-hosted cluster (mTLS) or Temporal Cloud (API key or mTLS).
 */
const configSchema = z.object({
  /** PostgreSQL URL; the database is created on first use if it does not exist. */
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/smsflow'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** host:port of the Temporal frontend (gRPC). */
  TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Temporal Cloud API key (sent as a bearer token; implies TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** mTLS client certificate and key, PEM file paths (self-hosted clusters, Temporal Cloud). */
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  /** Task queue of the campaign workflows and their activities. */
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('smsflow'),
  /** The `temporal` CLI used by `smsflow dev`/tests; built into this cache when missing. */
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** A prebuilt workflow bundle (bundleWorkflowCode output) for workers; default: bundle at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * The public base URL providers call back on (https://sms.example.com). Webhook signatures are
   * checked against this, never against the Host header (providers.md §9.6).
   */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /**
   * 32-byte key, base64, for AES-256-GCM encryption of provider credentials at rest. Required in
   * production; `smsflow dev` generates a local one under .smsflow/.
   */
  CREDENTIALS_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  /** How long a multi-part MO waits for its missing parts before it is handled with what arrived, s. */
  INBOUND_CONCAT_WAIT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Replies are attributed to the last campaign message sent to the number within this window, hours. */
  REPLY_ATTRIBUTION_WINDOW_HOURS: z.coerce.number().min(1).max(24 * 90).default(168),
  /** API key the CLI's API commands (`smsflow consent-import`) authenticate with. */
  SMSFLOW_API_KEY: z.string().min(1).optional(),
  /**
   * For tests and rehearsals only: the business clock (src/clock.ts) starts at this ISO 8601 instant
   * when the process starts and advances in real time, so quiet hours, scheduling, validity, frequency
   * caps and consent timestamps are judged as at that instant. Unset: the system clock.
   */
  CLOCK_START_AT: z.iso.datetime({ offset: true }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The parsed configuration; see the schema above for each field's meaning and default. */
export type Config = Readonly<z.infer<typeof configSchema>>;

/** Thrown at start-up when an environment variable is missing or malformed; names each one. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment (default `process.env`) into a frozen {@link Config}.
 * @throws {ConfigError} naming every bad variable and why.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}
