import type { Db } from '../db/connection.js';
import { findSenderPool } from '../db/sender-pool-repository.js';
import { ValidationError } from './api-error.js';

/**
 * Checks the `sender_pool_id` of a new campaign: the account's pool, every member on the campaign's
 * `connection_id` (a sender belongs to one provider connection; a member elsewhere could not send
 * these messages).
 * @throws {ValidationError} naming `sender_pool_id`.
 */
export async function checkCampaignSenderPool(db: Db, accountId: string, poolId: string, connectionId: string): Promise<void> {
  const pool = await findSenderPool(db, accountId, poolId);
  if (!pool) throw new ValidationError([{ field: 'sender_pool_id', reason: 'no such sender pool in this account' }]);
  const elsewhere = pool.members.filter((s) => s.connection_id !== connectionId);
  if (elsewhere.length > 0) {
    const list = elsewhere.map((s) => `${s.address} (${s.connection_id})`).join(', ');
    throw new ValidationError([{ field: 'sender_pool_id', reason: `senders not on connection ${connectionId}: ${list}` }]);
  }
}
