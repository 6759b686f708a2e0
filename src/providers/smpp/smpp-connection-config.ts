/**
 * Settings of an `smpp` provider connection, validated when its adapter is built.
 *
 * `config` (not secret): `host`, `port` (default 2775), `systemId`, `systemType` (default ''),
 * `tls` (default false), `sourceAddrTon` / `sourceAddrNpi` (default: 5/0 for an alphanumeric sender,
 * else 1/1, SMPP v3.4 §5.2.5–5.2.6), `enquireLinkMs` (default 30,000), `bindTimeoutMs` (how long a send
 * waits for the bind, default 10,000), `responseTimeoutMs` (default 10,000).
 * `credentials`: `password` (SMPP v3.4 §4.1: at most 8 characters, not enforced — some SMSCs allow more).
 *
 * @module
 */
import { z } from 'zod';
import { ProviderConfigError } from '../provider-adapter.js';
import type { ProviderConnectionConfig } from '../provider-adapter.js';

const ConfigSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535).default(2775),
  systemId: z.string().min(1).max(16),
  systemType: z.string().max(13).default(''),
  tls: z.boolean().default(false),
  sourceAddrTon: z.number().int().min(0).max(6).optional(),
  sourceAddrNpi: z.number().int().min(0).max(18).optional(),
  enquireLinkMs: z.number().int().min(1_000).default(30_000),
  bindTimeoutMs: z.number().int().min(100).default(10_000),
  responseTimeoutMs: z.number().int().min(100).default(10_000),
  reconnectInitialMs: z.number().int().min(10).default(500),
});

/** A validated SMPP connection. */
export type SmppConnectionSettings = z.infer<typeof ConfigSchema> & { connectionId: string; password: string };

/**
 * Reads and validates an SMPP connection.
 * @throws {ProviderConfigError} naming the first bad field (`config.host`, `credentials.password`…).
 */
export function readSmppConnection(conn: ProviderConnectionConfig): SmppConnectionSettings {
  const parsed = ConfigSchema.safeParse(conn.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProviderConfigError('smpp', `config.${issue.path.join('.')}`, `smpp config.${issue.path.join('.')}: ${issue.message}`);
  }
  const password = conn.credentials.password;
  if (typeof password !== 'string' || password === '') {
    throw new ProviderConfigError('smpp', 'credentials.password', 'smpp credentials.password is required');
  }
  return { ...parsed.data, connectionId: conn.id, password };
}
