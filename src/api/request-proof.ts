import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AuthEnv } from './auth.js';

/** Who made an API request, as consent proof (compliance.md §c2 "consent record to keep"). */
export type RequestProof = {
  /** The API key's displayable prefix (`sf_live_a1B2`), which identifies the key without revealing it. */
  api_key_prefix: string;
  /** Peer address when served by node (absent under `app.request()`). */
  ip?: string;
  user_agent?: string;
};

/** The proof of the current request: key prefix, peer address and user agent. */
export function requestProof(c: Context<AuthEnv>): RequestProof {
  let ip: string | undefined;
  try {
    ip = getConnInfo(c).remote.address;
  } catch {
    ip = undefined; // app.request() in tests has no socket
  }
  const userAgent = c.req.header('user-agent');
  return {
    api_key_prefix: c.get('apiKeyPrefix'),
    ...(ip ? { ip } : {}),
    ...(userAgent ? { user_agent: userAgent } : {}),
  };
}
