/**
 * The loopback HTTP machinery every provider fake shares: a server on a random port that hands each
 * request to the fake's router, and a callback queue that posts the fake's DLRs and MOs to our
 * webhooks with the options real providers exhibit: duplicates, reordering, late callbacks
 * (providers.md intro, truths 2–3). Each `<name>-fake.ts` adds only its provider's wire format.
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the fake received. */
export interface FakeRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The fake's answer. */
export interface FakeResponse {
  status: number;
  json?: unknown;
  text?: string;
}

/** One callback the fake will post to us. */
export interface FakeCallback {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
}

/** How callbacks misbehave, like real providers (all off by default). */
export interface FakeCallbackOptions {
  /** Post each callback twice. */
  duplicate?: boolean;
  /** Post a message's callbacks in reverse order (final before intermediate). */
  reorder?: boolean;
  /** Delay of the last callback of each message, in ms (a late DLR). */
  lateMs?: number;
}

/** What a test sees of any fake provider, whatever its wire format. */
export interface FakeProvider {
  provider: string;
  url: string;
  /** The connection body to create for this fake (`config` + `credentials`). */
  connection: { config: Record<string, unknown>; credentials: Record<string, string> };
  /** Messages accepted by the fake's send API, in order. */
  sent: Array<{ to: string; from: string; body: string; providerId: string }>;
  /** Callbacks posted and how our webhook answered. */
  callbackStatuses: number[];
  /** Posts one signed inbound message (MO) to `url`, in the provider's format. */
  sendInbound(input: { from: string; to: string; body: string; url: string }): void;
  /** A DLR-shaped request to `url` whose signature is wrong (or missing). */
  forgedDlr(url: string): FakeCallback;
  /** Resolves when every scheduled callback was posted. */
  waitForIdle(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 and a random port. */
export async function startFakeServer(route: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
      Promise.resolve(route({ method: req.method ?? 'GET', url: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') }))
        .then((out) => {
          const text = out.json === undefined ? (out.text ?? '') : JSON.stringify(out.json);
          res.writeHead(out.status, { 'content-type': out.json === undefined ? 'text/plain' : 'application/json' }).end(text);
        })
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Posts callbacks in the background and records our answers. */
export class CallbackQueue {
  readonly statuses: number[] = [];
  private pending = 0;

  constructor(private readonly options: FakeCallbackOptions = {}) {}

  /** Schedules one message's callbacks (in lifecycle order) after `delayMs`, applying the options. */
  schedule(callbacks: FakeCallback[], delayMs = 10): void {
    let list = this.options.reorder === true ? [...callbacks].reverse() : [...callbacks];
    if (this.options.duplicate === true) list = list.flatMap((c) => [c, c]);
    list.forEach((cb, i) => {
      const late = i === list.length - 1 ? (this.options.lateMs ?? 0) : 0;
      this.pending++;
      setTimeout(() => void this.post(cb).finally(() => this.pending--), delayMs + i * 15 + late);
    });
  }

  /** Posts one callback now and records the status (0 for a network error). */
  async post(cb: FakeCallback): Promise<number> {
    try {
      const res = await fetch(cb.url, { method: cb.method, headers: cb.headers, ...(cb.body === undefined ? {} : { body: cb.body }) });
      await res.arrayBuffer();
      this.statuses.push(res.status);
      return res.status;
    } catch {
      this.statuses.push(0);
      return 0;
    }
  }

  async waitForIdle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0) {
      if (Date.now() > deadline) throw new Error(`${this.pending} callbacks still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** `user:password` of an HTTP Basic `Authorization` header, or undefined. */
export function basicAuthOf(headers: Record<string, string>): string | undefined {
  const h = headers.authorization;
  if (h === undefined || !h.startsWith('Basic ')) return undefined;
  return Buffer.from(h.slice(6), 'base64').toString('utf8');
}

/** A random hex string of `bytes` bytes. */
export function randomHex(bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++) s += Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return s;
}
