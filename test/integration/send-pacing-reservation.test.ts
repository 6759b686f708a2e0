import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { createAccount } from '../../src/db/account-repository.js';
import { loadPacingCaps, reserveSendInstantsWithin } from '../../src/db/send-pacing-repository.js';
import type { PacingKey } from '../../src/db/send-pacing-repository.js';
import { createTestDatabase } from '../helpers/test-database.js';

describe('reserve_send_instants_within (PostgreSQL): horizon, give-back, push', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let n = 0;
  /** A fresh sender key at 10 segments per second (100 ms a segment) and a connection key at 4 (250 ms). */
  const keys = (): { sender: PacingKey; connection: PacingKey } => {
    n++;
    return { sender: { key: `sender:test:${n}`, intervalMs: 100 }, connection: { key: `connection:test:${n}`, intervalMs: 250 } };
  };
  beforeAll(async () => {
    ({ db, drop } = await createTestDatabase());
  });
  afterAll(async () => {
    await drop();
  });

  it('reserves only what fits before now + horizon and says when the keys are free again', async () => {
    const { sender } = keys();
    const first = await reserveSendInstantsWithin(db, [sender], [1, 1, 1, 1, 1], 10_000, 250);
    expect(first.instants).toEqual([10_000, 10_100, 10_200]);
    expect(first.nextFreeMs).toBe(10_300);
    // Nothing fits until the schedule is within the horizon again; the answer says when it frees.
    const full = await reserveSendInstantsWithin(db, [sender], [1], 10_000, 250);
    expect(full).toEqual({ instants: [], nextFreeMs: 10_300 });
    // A three-segment message occupies 300 ms: the next one waits for all three.
    const later = await reserveSendInstantsWithin(db, [sender], [3, 1], 10_100, 250);
    expect(later.instants).toEqual([10_300]);
    expect(later.nextFreeMs).toBe(10_600);
  });

  it('charges every key, each at its own interval, and takes the latest of them', async () => {
    const { sender, connection } = keys();
    const r = await reserveSendInstantsWithin(db, [sender, connection], [1, 1, 1], 0, 1_000);
    expect(r.instants).toEqual([0, 250, 500]);
    // The sender alone is free at 600, the connection only at 750.
    expect(r.nextFreeMs).toBe(750);
    const alone = await reserveSendInstantsWithin(db, [sender], [1], 0, 1_000);
    expect(alone.instants).toEqual([600]);
  });

  it('rolls a given-back instant back only while it is still the latest on every key', async () => {
    const { sender, connection } = keys();
    const [a, b] = (await reserveSendInstantsWithin(db, [sender, connection], [1, 1], 0, 1_000)).instants as [number, number];
    expect([a, b]).toEqual([0, 250]);
    // b is the tail: given back at 260 (its send woke too late), the next message gets "now".
    const again = await reserveSendInstantsWithin(db, [sender, connection], [1], 260, 1_000, { released: [{ atMs: b, segments: 1 }] });
    expect(again.instants).toEqual([260]);
    // a is no longer the tail (260 was reserved after it): giving it back changes nothing.
    const after = await reserveSendInstantsWithin(db, [sender, connection], [1], 270, 1_000, { released: [{ atMs: a, segments: 1 }] });
    expect(after.instants).toEqual([510]);
  });

  it('a push keeps later instants at a distance from a send that reached the provider late', async () => {
    const { sender } = keys();
    expect((await reserveSendInstantsWithin(db, [sender], [1], 0, 1_000)).instants).toEqual([0]);
    // The send of instant 0 may have arrived 40 ms late: the next instant moves from 100 to 140.
    const r = await reserveSendInstantsWithin(db, [sender], [1], 10, 1_000, { pushed: [{ atMs: 0, segments: 1, excessMs: 40 }] });
    expect(r.instants).toEqual([140]);
    // A push never pulls the schedule back.
    const s = await reserveSendInstantsWithin(db, [sender], [1], 10, 1_000, { pushed: [{ atMs: 0, segments: 1, excessMs: 5 }] });
    expect(s.instants).toEqual([240]);
  });

  it('concurrent callers never share an instant', async () => {
    const { sender } = keys();
    const answers = await Promise.all(Array.from({ length: 8 }, () => reserveSendInstantsWithin(db, [sender], [1, 1, 1], 0, 10_000)));
    const all = answers.flatMap((a) => a.instants).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 24 }, (_, i) => i * 100));
  });

  it('reads the caps and a connection\'s pacing_headroom, ignoring one out of range', async () => {
    const { account } = await createAccount(db, 'caps');
    const connection = (id: string, config: object) =>
      db.insertInto('provider_connections').values({ id, account_id: account.id, provider: 'sandbox', name: id, config: JSON.stringify(config) }).execute();
    await connection('caps-a', { max_mps: 50, pacing_headroom: 0.97 });
    await connection('caps-b', { pacing_headroom: 1.5 });
    await db.insertInto('senders').values({ id: crypto.randomUUID(), account_id: account.id, connection_id: 'caps-a', address: '+12015550100', type: 'long_code', country: 'US', mps: 3 }).execute();
    expect(await loadPacingCaps(db, account.id, 'caps-a', '+12015550100')).toEqual({ senderMps: 3, connectionMps: 50, accountMps: null, headroom: 0.97 });
    expect(await loadPacingCaps(db, account.id, 'caps-b', '+12015550199')).toEqual({ senderMps: null, connectionMps: null, accountMps: null, headroom: null });
  });
});
