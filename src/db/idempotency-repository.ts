import type { Db } from './connection.js';
import './consent-keyword-schema.js';

/** A stored answer to a POST that carried an Idempotency-Key. */
export interface StoredResponse {
  requestSha256: string;
  status: number;
  body: unknown;
}

/** The stored answer for `(account, route, key)`, if any. */
export async function findIdempotentResponse(db: Db, accountId: string, route: string, key: string): Promise<StoredResponse | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_sha256', 'response_status', 'response_body'])
    .where('account_id', '=', accountId)
    .where('route', '=', route)
    .where('key', '=', key)
    .executeTakeFirst();
  return row && { requestSha256: row.request_sha256, status: row.response_status, body: row.response_body };
}

/**
 * Stores the answer unless a concurrent request with the same key stored one first.
 * @returns the answer now stored for the key: ours, or the earlier one.
 */
export async function storeIdempotentResponse(db: Db, accountId: string, route: string, key: string, response: StoredResponse): Promise<StoredResponse> {
  await db
    .insertInto('idempotency_keys')
    .values({ account_id: accountId, route, key, request_sha256: response.requestSha256, response_status: response.status, response_body: JSON.stringify(response.body) })
    .onConflict((oc) => oc.columns(['account_id', 'route', 'key']).doNothing())
    .execute();
  return (await findIdempotentResponse(db, accountId, route, key))!;
}
