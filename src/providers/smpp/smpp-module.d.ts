/**
 * Type declarations for the parts of node-smpp 0.5.1 (farhadi/node-smpp, MIT) that smsflow uses; the
 * package ships none and there is no `@types/smpp` (providers.md §8.5). PDU fields are the SMPP v3.4
 * field and TLV names (`short_message`, `receipted_message_id`, …) as node-smpp's `lib/defs.js` names them.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A decoded `short_message` when esm_class carries the UDHI bit or data_coding is known. */
  export interface ShortMessage {
    /** Information elements of the UDH, each `[iei, length, ...data]`. */
    udh?: Buffer[];
    message: string | Buffer;
  }

  /** One SMPP PDU; fields by their SMPP v3.4 names. */
  export class PDU {
    constructor(command: string, options?: Record<string, unknown>);
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: Record<string, unknown>): PDU;
  }

  export type ResponseCallback = (pdu: PDU) => void;

  /** One SMPP connection, client or server side. Command shortcuts send a PDU of that name. */
  export class Session extends EventEmitter {
    socket: Socket;
    send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, cb?: ResponseCallback): boolean;
    submit_sm(options: Record<string, unknown>, cb?: ResponseCallback): boolean;
    deliver_sm(options: Record<string, unknown>, cb?: ResponseCallback): boolean;
    enquire_link(options?: Record<string, unknown>, cb?: ResponseCallback): boolean;
    unbind(options?: Record<string, unknown>, cb?: ResponseCallback): boolean;
  }

  export class Server extends NetServer {
    sessions: Session[];
  }

  export interface ConnectOptions {
    host: string;
    port: number;
    tls?: boolean;
    /** ms between automatic enquire_link PDUs. */
    auto_enquire_link_period?: number;
  }

  export function connect(options: ConnectOptions, listener?: () => void): Session;
  export function createServer(options: Record<string, unknown>, listener?: (session: Session) => void): Server;

  /** command_status values by name (`ESME_ROK`, `ESME_RTHROTTLED`, …). */
  export const errors: Record<string, number>;

  const smpp: {
    connect: typeof connect;
    createServer: typeof createServer;
    errors: typeof errors;
    PDU: typeof PDU;
    Session: typeof Session;
  };
  export default smpp;
}
