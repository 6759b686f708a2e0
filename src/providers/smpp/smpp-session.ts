/**
 * One ESME transceiver bind kept alive over node-smpp (providers.md §8.1): `bind_transceiver` with
 * system_id/password(/system_type), `enquire_link` keep-alive, reconnect with exponential backoff,
 * `submit_sm` with a response timeout, and `deliver_sm` handed to a handler that must persist before
 * the `deliver_sm_resp` goes out (an unacknowledged deliver_sm is re-sent by the SMSC).
 *
 * @module
 */
import smpp from 'smpp';
import type { PDU, Session } from 'smpp';

/** Where and how to bind. */
export interface SmppBindOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  tls?: boolean;
  /** ms between enquire_link PDUs; default 30,000 (providers.md §8.1). */
  enquireLinkMs?: number;
  /** First reconnect delay, ms (doubles per failed attempt); default 500. */
  reconnectInitialMs?: number;
  /** Longest reconnect delay, ms; default 30,000. */
  reconnectMaxMs?: number;
  /** How long a submit_sm waits for its response before its outcome is unknown, ms; default 10,000. */
  responseTimeoutMs?: number;
}

/** Handles a `deliver_sm`; resolving means "persisted", so the session answers ESME_ROK. */
export type DeliverSmHandler = (pdu: PDU) => Promise<void>;

/** command_status name of a value, e.g. `ESME_RTHROTTLED` for 0x58; `0x…` for vendor codes. */
export function commandStatusName(status: number): string {
  for (const [name, value] of Object.entries(smpp.errors)) if (value === status) return name;
  return `0x${status.toString(16).padStart(8, '0')}`;
}

/** SMPP v3.4 bind failures that mean wrong credentials (providers.md §9.2). */
export const BIND_AUTH_STATUSES = new Set([0x0d, 0x0e, 0x0f]);

/** The SMSC refused the bind. */
export class SmppBindError extends Error {
  /** Stable error code. */
  readonly code = 'smpp_bind_failed';
  override readonly name = 'SmppBindError';
  constructor(readonly commandStatus: number) {
    super(`bind_transceiver refused: ${commandStatusName(commandStatus)}`);
  }
  /** True for ESME_RBINDFAIL / ESME_RINVPASWD / ESME_RINVSYSID: credentials, not the network. */
  get isAuthFailure(): boolean {
    return BIND_AUTH_STATUSES.has(this.commandStatus);
  }
}

/** The session is not bound (yet); nothing was written. */
export class SmppNotBoundError extends Error {
  /** Stable error code. */
  readonly code = 'smpp_not_bound';
  override readonly name = 'SmppNotBoundError';
}

/** A submit_sm was written but no response came (bind lost or timeout): the SMSC may have it. */
export class SmppOutcomeUnknownError extends Error {
  /** Stable error code. */
  readonly code = 'smpp_outcome_unknown';
  override readonly name = 'SmppOutcomeUnknownError';
}

/** ESME_RX_T_APPN: "temporary application error, deliver again later" (SMPP v3.4 §5.1.3). */
const ESME_RX_T_APPN = 0x64;

/** A self-healing transceiver bind. Call {@link start} once and {@link close} at shutdown. */
export class SmppSession {
  private session: Session | undefined;
  private bound = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private pending = new Map<number, { reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  /** The last connect or bind failure; cleared when bound. */
  lastError: Error | undefined;
  /** Binds made so far (1 after the first bind, 2 after one reconnect…). */
  binds = 0;

  constructor(
    private readonly options: SmppBindOptions,
    private readonly onDeliver: DeliverSmHandler,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {},
  ) {}

  /** Connects and binds, reconnecting until {@link close}. */
  start(): void {
    this.connect();
  }

  get isBound(): boolean {
    return this.bound;
  }

  /**
   * Resolves once bound.
   * @throws {SmppBindError} at once when the SMSC refused the credentials; the last connect/bind error
   *   (or SmppNotBoundError) after `timeoutMs`.
   */
  waitBound(timeoutMs: number): Promise<void> {
    if (this.bound) return Promise.resolve();
    if (this.lastError instanceof SmppBindError && this.lastError.isAuthFailure) return Promise.reject(this.lastError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(this.lastError ?? new SmppNotBoundError(`not bound to ${this.options.host}:${this.options.port} after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e: Error) => (clearTimeout(timer), reject(e)),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Sends one submit_sm and resolves with its response (any command_status).
   * @throws {SmppNotBoundError} when not bound: nothing was sent.
   * @throws {SmppOutcomeUnknownError} when the bind dropped or the response timed out after sending.
   */
  submit(fields: Record<string, unknown>): Promise<PDU> {
    const s = this.session;
    if (!s || !this.bound) return Promise.reject(new SmppNotBoundError('SMPP session not bound'));
    return new Promise((resolve, reject) => {
      const pdu = new smpp.PDU('submit_sm', fields);
      const written = s.send(pdu, (resp) => {
        const p = this.pending.get(pdu.sequence_number);
        if (p) clearTimeout(p.timer);
        this.pending.delete(pdu.sequence_number);
        resolve(resp);
      });
      if (!written) return reject(new SmppNotBoundError('SMPP socket not writable'));
      const timer = setTimeout(() => {
        this.pending.delete(pdu.sequence_number);
        reject(new SmppOutcomeUnknownError(`no submit_sm_resp within ${this.options.responseTimeoutMs ?? 10_000} ms`));
      }, this.options.responseTimeoutMs ?? 10_000);
      this.pending.set(pdu.sequence_number, { reject, timer });
    });
  }

  /** Unbinds (best effort, 2 s) and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const s = this.session;
    if (!s) return;
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => (s.destroy(), resolve()), 2_000);
      if (!this.bound || !s.unbind({}, () => s.close(() => (clearTimeout(done), resolve())))) {
        clearTimeout(done);
        s.destroy();
        resolve();
      }
    });
  }

  private connect(): void {
    const o = this.options;
    const s = smpp.connect({ host: o.host, port: o.port, tls: o.tls ?? false, auto_enquire_link_period: o.enquireLinkMs ?? 30_000 });
    this.session = s;
    s.on('connect', () => {
      s.bind_transceiver({ system_id: o.systemId, password: o.password, system_type: o.systemType ?? '', interface_version: 0x34 }, (resp) => {
        if (resp.command_status === 0) {
          this.bound = true;
          this.binds += 1;
          this.attempt = 0;
          this.lastError = undefined;
          this.log('smpp bound', { host: o.host, port: o.port, binds: this.binds });
          this.waiters.splice(0).forEach((w) => w.resolve());
          return;
        }
        const err = new SmppBindError(resp.command_status);
        this.lastError = err;
        if (err.isAuthFailure) this.waiters.splice(0).forEach((w) => w.reject(err));
        s.destroy();
      });
    });
    s.on('error', (err: Error) => {
      this.lastError = this.lastError instanceof SmppBindError ? this.lastError : err;
    });
    s.on('close', () => this.onClose(s));
    s.on('enquire_link', (pdu: PDU) => s.send(pdu.response()));
    s.on('unbind', (pdu: PDU) => {
      s.send(pdu.response());
      s.close();
    });
    s.on('deliver_sm', (pdu: PDU) => {
      this.onDeliver(pdu).then(
        () => s.send(pdu.response()),
        (err: unknown) => {
          this.log('deliver_sm not persisted; asking the SMSC to redeliver', { err: String(err) });
          s.send(pdu.response({ command_status: ESME_RX_T_APPN }));
        },
      );
    });
  }

  private onClose(s: Session): void {
    if (this.session !== s) return;
    this.bound = false;
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SmppOutcomeUnknownError(`bind lost before submit_sm_resp (sequence ${seq})`));
    }
    this.pending.clear();
    if (this.closed) return;
    const base = this.options.reconnectInitialMs ?? 500;
    const delay = Math.min(base * 2 ** this.attempt, this.options.reconnectMaxMs ?? 30_000);
    this.attempt += 1;
    this.log('smpp connection closed; reconnecting', { delayMs: delay, lastError: this.lastError?.message });
    this.reconnectTimer = setTimeout(() => this.connect(), delay * (0.8 + Math.random() * 0.4));
  }
}
