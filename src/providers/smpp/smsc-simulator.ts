/**
 * A local SMSC over TCP for tests and demos, built on node-smpp's server (SMPP v3.4): it checks
 * `bind_transceiver` credentials, answers `submit_sm` with message ids, returns delivery receipts as
 * `deliver_sm` (one per part, optionally duplicated, reordered and late), can throttle
 * (ESME_RTHROTTLED), sends MO `deliver_sm` (UDH-concatenated when asked, in any part order), and can
 * drop every connection to exercise reconnects.
 *
 * Receipt ids can be quoted in a different format from the `submit_sm_resp` id, as real SMSCs do
 * (vector V40: hex on submit, decimal in the receipt).
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';
import type { PDU, Server, Session } from 'smpp';
import { concatUdh, parseUdh } from './smpp-udh.js';

/** Behaviour of the simulator. */
export interface SmscSimulatorOptions {
  systemId: string;
  password: string;
  /** Format of `submit_sm_resp` ids; default `hex` (16 upper-case digits). */
  submitIdFormat?: 'hex' | 'decimal';
  /** Format the receipt quotes the id in; default `decimal` (V40). */
  receiptIdFormat?: 'hex' | 'decimal';
  /** Include the receipted_message_id / message_state TLVs; default false (text only). */
  receiptTlvs?: boolean;
  /** Delay before receipts, ms; default 20. */
  receiptDelayMs?: number;
  /** Send every receipt twice. */
  duplicateReceipts?: boolean;
  /** Send a message's part receipts in reverse order. */
  reorderReceipts?: boolean;
  /** The receipt stat for a destination; default `DELIVRD`. */
  statFor?: (destination: string) => string;
}

/** One accepted submit_sm. */
export interface SimulatedSubmit {
  id: bigint;
  source: string;
  destination: string;
  dataCoding: number;
  text: string;
  concat?: { ref: number; total: number; index: number };
}

const ESME_RTHROTTLED = 0x58;
const ESME_RINVPASWD = 0x0e;

/** A running simulator; see {@link startSmscSimulator}. */
export class SmscSimulator {
  readonly submits: SimulatedSubmit[] = [];
  readonly stats = { binds: 0, refusedBinds: 0, throttled: 0, receiptsSent: 0, moSent: 0 };
  private throttleBudget = 0;
  private nextId = 0x812fc7470000001bn;
  private outbox: Record<string, unknown>[] = [];
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly server: Server,
    readonly options: SmscSimulatorOptions,
  ) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Bound sessions right now. */
  get boundSessions(): Session[] {
    return this.server.sessions.filter((s) => (s as Session & { bound?: boolean }).bound);
  }

  /** Answers the next `n` submit_sm with ESME_RTHROTTLED. */
  throttleNext(n: number): void {
    this.throttleBudget += n;
  }

  /** Destroys every client connection (the client must reconnect). */
  dropConnections(): void {
    for (const s of [...this.server.sessions]) s.destroy();
  }

  /**
   * Sends an MO; with `parts > 1`, as that many UDH-concatenated parts (IE 0x00, reference `ref`),
   * delivered in `order` (1-based part numbers; default ascending). Resolves once every part is
   * acknowledged; rejects if a deliver_sm_resp carries an error.
   */
  async sendMo(from: string, to: string, text: string, opts: { parts?: number; ref?: number; order?: number[] } = {}): Promise<void> {
    const n = opts.parts ?? 1;
    const size = Math.ceil(text.length / n);
    const chunks = Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size));
    const order = opts.order ?? chunks.map((_, i) => i + 1);
    for (const index of order) {
      const message = chunks[index - 1]!;
      const short_message = n > 1 ? { udh: concatUdh(opts.ref ?? 0x38, n, index), message } : message;
      await this.deliver({ source_addr_ton: 1, source_addr_npi: 1, source_addr: from, destination_addr: to, esm_class: 0, data_coding: 0, short_message });
      this.stats.moSent += 1;
    }
  }

  /** Stops listening and drops clients. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** @internal wires one client session. */
  attach(session: Session): void {
    const s = session as Session & { bound?: boolean };
    session.on('error', () => {});
    session.on('bind_transceiver', (pdu: PDU) => {
      if (pdu.system_id !== this.options.systemId || pdu.password !== this.options.password) {
        this.stats.refusedBinds += 1;
        session.send(pdu.response({ command_status: ESME_RINVPASWD }));
        return;
      }
      this.stats.binds += 1;
      s.bound = true;
      session.send(pdu.response({ system_id: 'smsflow-sim' }));
      this.flushOutbox();
    });
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      s.bound = false;
      session.send(pdu.response());
      session.close();
    });
    session.on('submit_sm', (pdu: PDU) => this.onSubmit(session, pdu));
  }

  private formatId(id: bigint, format: 'hex' | 'decimal'): string {
    return format === 'hex' ? id.toString(16).toUpperCase().padStart(16, '0') : id.toString(10);
  }

  private onSubmit(session: Session, pdu: PDU): void {
    if (this.throttleBudget > 0) {
      this.throttleBudget -= 1;
      this.stats.throttled += 1;
      session.send(pdu.response({ command_status: ESME_RTHROTTLED }));
      return;
    }
    const id = this.nextId++;
    const sm = pdu.short_message as { udh?: Buffer[]; message: string | Buffer } | string;
    const message = typeof sm === 'string' ? sm : typeof sm.message === 'string' ? sm.message : sm.message.toString('hex');
    const udh = typeof sm === 'object' && sm.udh?.length ? Buffer.concat([Buffer.from([sm.udh.reduce((n, ie) => n + ie.length, 0)]), ...sm.udh]) : undefined;
    const concat = udh ? parseUdh(udh).concat : undefined;
    const submit: SimulatedSubmit = {
      id,
      source: typeof pdu.source_addr === 'string' ? pdu.source_addr : '',
      destination: typeof pdu.destination_addr === 'string' ? pdu.destination_addr : '',
      dataCoding: Number(pdu.data_coding),
      text: message,
      ...(concat ? { concat } : {}),
    };
    this.submits.push(submit);
    session.send(pdu.response({ message_id: this.formatId(id, this.options.submitIdFormat ?? 'hex') }));
    // Receipts of a multi-part message go out once its last part is in (so they can be reordered).
    const parts = concat ? this.submits.filter((x) => x.destination === submit.destination && x.concat?.ref === concat.ref && x.concat.total === concat.total).slice(-concat.total) : [submit];
    if (concat && parts.length < concat.total) return;
    const ordered = this.options.reorderReceipts ? [...parts].reverse() : parts;
    for (const p of ordered) {
      const copies = this.options.duplicateReceipts ? 2 : 1;
      for (let c = 0; c < copies; c += 1) this.later(() => this.queueReceipt(p));
    }
  }

  private queueReceipt(p: SimulatedSubmit): void {
    const stat = this.options.statFor?.(p.destination) ?? 'DELIVRD';
    const quoted = this.formatId(p.id, this.options.receiptIdFormat ?? 'decimal');
    const date = '2501151432';
    const state = { ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 }[stat] ?? 7;
    this.outbox.push({
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: p.destination,
      destination_addr: p.source,
      esm_class: 0x04,
      data_coding: 0,
      short_message: `id:${quoted} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${date} done date:${date} stat:${stat} err:${stat === 'DELIVRD' ? '000' : '001'} text:${p.text.slice(0, 20)}`,
      ...(this.options.receiptTlvs ? { receipted_message_id: quoted, message_state: state } : {}),
    });
    this.stats.receiptsSent += 1;
    this.flushOutbox();
  }

  /** Sends queued receipts to a bound session; they wait for a bind when none is up. */
  private flushOutbox(): void {
    while (this.outbox.length > 0 && this.boundSessions.length > 0) {
      const fields = this.outbox.shift()!;
      // Unacknowledged receipts go back to the queue and out again on the next bind.
      void this.deliver(fields).catch(() => {
        this.outbox.push(fields);
        this.later(() => this.flushOutbox());
      });
    }
  }

  /** Sends one deliver_sm; a bind lost before its deliver_sm_resp rejects it (a real SMSC redelivers). */
  private deliver(fields: Record<string, unknown>): Promise<void> {
    const session = this.boundSessions[0];
    if (!session) return Promise.reject(new Error('no bound ESME session'));
    return new Promise((resolve, reject) => {
      const lost = () => reject(new Error('bind lost before deliver_sm_resp'));
      session.socket.once('close', lost);
      const sent = session.deliver_sm(fields, (resp) => {
        session.socket.off('close', lost);
        if (resp.command_status === 0) resolve();
        else reject(new Error(`deliver_sm_resp status ${resp.command_status}`));
      });
      if (!sent) {
        session.socket.off('close', lost);
        reject(new Error('ESME socket not writable'));
      }
    });
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, this.options.receiptDelayMs ?? 20);
    this.timers.add(t);
  }
}

/** Starts a simulator on 127.0.0.1 and a free port (or `port`). */
export async function startSmscSimulator(options: SmscSimulatorOptions, port = 0): Promise<SmscSimulator> {
  const holder: { sim?: SmscSimulator } = {};
  const server = smpp.createServer({}, (session) => holder.sim?.attach(session));
  const sim = new SmscSimulator(server, options);
  holder.sim = sim;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return sim;
}
