import type { MiddlewareHandler } from 'hono';
import type { Db } from '../db/connection.js';
import { findApiKeyOwner } from '../db/account-repository.js';
import { isApiKeyShaped } from '../db/api-key.js';
import { UnauthorizedError } from './api-error.js';

/** Context variables set by {@link requireApiKey} for every authenticated route. */
export interface AuthVariables {
  /** The account the API key belongs to; every query of the request is scoped to it. */
  accountId: string;
  /** The key's displayable prefix (`sf_live_a1B2`), recorded as proof in the consent ledger. */
  apiKeyPrefix: string;
}

/** Hono env of authenticated sub-apps. */
export interface AuthEnv {
  Variables: AuthVariables;
}

/** The OpenAPI security requirement of authenticated routes (scheme registered by the app). */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

/**
 * Authenticates `Authorization: Bearer sf_live_…` against `api_keys` (SHA-256 lookup, revoked keys
 * refused) and sets {@link AuthVariables} in the context.
 * @throws {UnauthorizedError} when the header is missing, malformed, or the key is unknown or revoked.
 */
export function requireApiKey(db: Db): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) throw new UnauthorizedError('missing Authorization: Bearer <api key> header');
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    const key = match?.[1];
    if (!key || !isApiKeyShaped(key)) throw new UnauthorizedError('malformed API key');
    const owner = await findApiKeyOwner(db, key);
    if (!owner) throw new UnauthorizedError('unknown or revoked API key');
    c.set('accountId', owner.accountId);
    c.set('apiKeyPrefix', owner.prefix);
    await next();
  };
}
