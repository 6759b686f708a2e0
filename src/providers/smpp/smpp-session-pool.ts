/**
 * The worker's SMPP binds, one {@link SmppSession} per provider connection id, started on first send.
 * Every `deliver_sm` on a bind goes through {@link intakeDeliverSm} (persist, then dispatch) before its
 * `deliver_sm_resp`. A connection whose host, port or credentials changed gets a fresh bind.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DlrSink } from '../../api/webhook-intake.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { recordSmppPart } from '../../db/smpp-part-repository.js';
import type { SmppPartRecord } from '../../db/smpp-part-repository.js';
import type { SmppSessionSource } from './smpp-adapter.js';
import type { SmppConnectionSettings } from './smpp-connection-config.js';
import { intakeDeliverSm } from './smpp-deliver-intake.js';
import { SmppSession } from './smpp-session.js';

/** Dependencies of the pool. */
export interface SmppSessionPoolDeps {
  db: Db;
  /** The business clock (src/clock.ts), for MO intake. */
  now: Clock;
  /** Where committed receipts go (the worker's DLR dispatcher). */
  sink: DlrSink;
  logger: Logger;
}

/** SMPP sessions of this process, keyed by connection id. */
export class SmppSessionPool implements SmppSessionSource {
  private sessions = new Map<string, { key: string; session: SmppSession }>();
  private recording = new Set<Promise<void>>();
  private accounts = new Map<string, Promise<string>>();

  constructor(private readonly deps: SmppSessionPoolDeps) {}

  session(settings: SmppConnectionSettings): SmppSession {
    const key = JSON.stringify([settings.host, settings.port, settings.systemId, settings.password, settings.systemType, settings.tls]);
    const existing = this.sessions.get(settings.connectionId);
    if (existing?.key === key) return existing.session;
    if (existing) void existing.session.close();
    const bindTag = randomUUID();
    const log = this.deps.logger.child({ connectionId: settings.connectionId, provider: 'smpp' });
    const session = new SmppSession(
      settings,
      async (pdu) => {
        const accountId = await this.accountOf(settings.connectionId);
        await intakeDeliverSm(
          { db: this.deps.db, now: this.deps.now, sink: this.deps.sink, connection: { id: settings.connectionId, accountId }, partsRecorded: () => this.partsRecorded(), bindTag },
          pdu,
        );
      },
      (msg, fields) => log.info(fields ?? {}, msg),
    );
    session.start();
    this.sessions.set(settings.connectionId, { key, session });
    return session;
  }

  recordPart(part: SmppPartRecord): Promise<void> {
    const p = recordSmppPart(this.deps.db, part);
    this.recording.add(p);
    void p.finally(() => this.recording.delete(p)).catch(() => {});
    return p;
  }

  /** Resolves when every part record started so far has settled. */
  async partsRecorded(): Promise<void> {
    await Promise.allSettled([...this.recording]);
  }

  /** Unbinds every session. */
  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.session.close()));
  }

  private accountOf(connectionId: string): Promise<string> {
    let p = this.accounts.get(connectionId);
    if (!p) {
      p = this.deps.db
        .selectFrom('provider_connections')
        .select('account_id')
        .where('id', '=', connectionId)
        .executeTakeFirstOrThrow()
        .then((r) => r.account_id);
      p.catch(() => this.accounts.delete(connectionId));
      this.accounts.set(connectionId, p);
    }
    return p;
  }
}
