import type { Db } from '../db/connection.js';
import { messagesWithoutConsent } from '../db/consent-repository.js';

/**
 * The last consent check of a send activity, made for each message while its send instant approaches
 * (paced sends reserve instants at most a quarter second ahead, send-pacer.ts), so that an opt-out
 * recorded after the message was claimed still stops it. The per-chunk check before the claim is not
 * enough on its own: a claimed message may wait many seconds for its instant on a slow sender (ten
 * seconds of the sender's traffic are claimed per round, and 1 MPS is a common long-code rate).
 *
 * Checks requested in the same turn of the event loop (a pacer hands out several instants at once)
 * are answered by one query, against `consent_current` for the campaign's purpose, which the STOP
 * webhook writes before it answers 2xx (webhook-intake.ts). No longer window: the check races the
 * message's instant, and a send later than its instant costs the sender a slot.
 */
export class SendConsentGuard {
  readonly #db: Db;
  readonly #purpose: string;
  #pending = new Map<string, ((ok: boolean) => void)[]>();
  #scheduled = false;
  #failed: ((err: Error) => void)[] = [];

  /** @param purpose the campaign's consent purpose (`marketing` or `transactional`). */
  constructor(db: Db, purpose: string) {
    this.#db = db;
    this.#purpose = purpose;
  }

  /**
   * Whether the message's contact is still opted in for the purpose.
   * @throws the query's error (the caller treats the message as not sent).
   */
  allowed(messageId: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const waiters = this.#pending.get(messageId) ?? [];
      waiters.push(resolve);
      this.#pending.set(messageId, waiters);
      this.#failed.push(reject);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#run());
      }
    });
  }

  async #run(): Promise<void> {
    this.#scheduled = false;
    const pending = this.#pending;
    const failed = this.#failed;
    this.#pending = new Map();
    this.#failed = [];
    try {
      const refused = await messagesWithoutConsent(this.#db, [...pending.keys()], this.#purpose);
      for (const [id, waiters] of pending) for (const resolve of waiters) resolve(!refused.has(id));
    } catch (err) {
      for (const reject of failed) reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
