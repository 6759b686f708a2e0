import type { Db } from '../db/connection.js';
import type { CredentialCipher } from '../providers/credential-cipher.js';
import type { ProviderAdapter, ProviderConnectionConfig } from '../providers/provider-adapter.js';
import { createProviderAdapter } from '../providers/provider-registry.js';
import type { ProviderAdapterDeps } from '../providers/provider-registry.js';

/** A connection's adapter plus what the send path needs to know about the connection. */
export interface ResolvedProvider {
  connection: ProviderConnectionConfig & { accountId: string; status: string };
  adapter: ProviderAdapter;
}

/** Loads provider connections and builds their adapters, caching each for a short while. */
export interface ProviderResolver {
  /** @throws ConnectionNotFoundError when the id is unknown. */
  get(connectionId: string): Promise<ResolvedProvider>;
  /** Drops a cached connection (after its credentials or status changed). */
  invalidate(connectionId: string): void;
}

/** The connection id does not exist. */
export class ConnectionNotFoundError extends Error {
  readonly code = 'connection_not_found';
  constructor(readonly connectionId: string) {
    super(`provider connection ${connectionId} not found`);
    this.name = 'ConnectionNotFoundError';
  }
}

/**
 * A {@link ProviderResolver} over the provider_connections table; credentials are decrypted with
 * `cipher` only in memory. Entries live `ttlMs` (default 30 s) so a paused connection is seen quickly.
 * `adapterDeps` reach every adapter (the worker passes its SMPP session pool).
 */
export function createProviderResolver(db: Db, cipher: CredentialCipher, ttlMs = 30_000, adapterDeps: ProviderAdapterDeps = {}): ProviderResolver {
  const cache = new Map<string, { at: number; value: Promise<ResolvedProvider> }>();
  const load = async (connectionId: string): Promise<ResolvedProvider> => {
    const row = await db.selectFrom('provider_connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
    if (!row) throw new ConnectionNotFoundError(connectionId);
    const connection = {
      id: row.id,
      provider: row.provider,
      config: row.config,
      credentials: row.credentials_encrypted ? cipher.decrypt(row.credentials_encrypted) : {},
      accountId: row.account_id,
      status: row.status,
    };
    return { connection, adapter: createProviderAdapter(connection, adapterDeps) };
  };
  return {
    get(connectionId) {
      const hit = cache.get(connectionId);
      // A cache entry's age is real elapsed time, whatever instant the business clock shows.
      // eslint-disable-next-line no-restricted-syntax
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = load(connectionId);
      value.catch(() => cache.delete(connectionId));
      // eslint-disable-next-line no-restricted-syntax -- the cache's age, as above
      cache.set(connectionId, { at: Date.now(), value });
      return value;
    },
    invalidate(connectionId) {
      cache.delete(connectionId);
    },
  };
}
