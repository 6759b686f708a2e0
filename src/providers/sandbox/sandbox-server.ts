/**
 * A loopback fake SMS provider that speaks HTTP like a real one, for the demo, tests and benchmarks.
 * Listens on 127.0.0.1 only. Plain `node:http` (no framework) to stay far above 2,000 sends/s.
 *
 * ## Wire format (version 1)
 *
 * Provider API (header `Authorization: Bearer <apiKey>`, else `401 { code: 20003, message, status }`):
 *
 * - `POST /v1/messages`, JSON `{ from, to, body, client_ref?, status_callback?, inbound_callback? }`
 *   - `201 { id: 'SB' + 32 hex, status: 'queued', parts, client_ref }`: accepted. `parts` = GSM-7 /
 *     UCS-2 segment count.
 *   - `200` with the same body: `client_ref` was seen before; the original answer, NOT a new send
 *     (a refused one repeats its `400`). Reusing a `client_ref` with another `from`/`to`/`body` → `409`
 *     code 20409.
 *   - `400 { code, message, status }`: 21211 `to` not E.164; 21610 recipient opted out at the
 *     provider; 21612/21614 refusals drawn from the outcome mix; 21602 missing/invalid parameter
 *     (`message` names it); 21000 body not a JSON object.
 *   - `429` code 20429 with `Retry-After: 1` above `maxSendsPerSecond`; `503` code 20503 with
 *     `Retry-After: 1` for injected faults (`serverErrorRate`).
 *   - `inbound_callback` registers where MOs to `from` are posted (like configuring a number).
 * - `GET /v1/account` → `200 { id, name, status: 'active' }` (for connection tests).
 *
 * Callbacks (JSON POSTs, signed `X-Sandbox-Signature: t=<unix s>,v1=<hex HMAC-SHA256(webhookSecret,
 * t + '.' + url + '.' + rawBody)>`, see `sandbox-signature.ts`); a non-2xx, timeout or connection
 * error is retried with exponential backoff up to `callbacks.maxAttempts`:
 *
 * - DLR to `status_callback`: `{ id, client_ref?, status: 'sent'|'delivered'|'undelivered'|'failed'|
 *   'expired', error_code? (number), error_text?, timestamp (ISO 8601 UTC of the event), seq (per-message
 *   sequence in event order; a duplicate repeats it), part?: { index, total } (1-based, only with
 *   `perPartDlrs`) }`. The DLRs of one message are posted one after the other; `failed` has no `sent`.
 * - MO: `{ id: 'MO' + 32 hex, from, to, body, received_at (ISO 8601 UTC), concat?: { ref, index, total } }`.
 *
 * Control and inspection (no auth; loopback only):
 *
 * - `GET /_sandbox/stats[?recipients=false]` → {@link SandboxStats}.
 * - `GET /_sandbox/messages?client_ref=…` or `?id=…` → one {@link SandboxMessageRecord} (404 if none);
 *   `?to=…` → `{ messages: [...] }`; none of the three → 400.
 * - `POST /_sandbox/inbound { from, to, body, url?, split? }` → `202 { ids, parts }`.
 * - `GET /_sandbox/behaviour`, `PUT /_sandbox/behaviour <patch>` → the full {@link SandboxBehaviour}.
 * - `POST /_sandbox/reset` → `204`: forgets messages, counters and pending callbacks.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { applySandboxBehaviourPatch, DEFAULT_SANDBOX_BEHAVIOUR } from './sandbox-behaviour.js';
import type { SandboxBehaviour, SandboxBehaviourPatch } from './sandbox-behaviour.js';
import { SandboxEngine, SandboxInputError } from './sandbox-engine.js';
import type { SandboxInboundInput, SandboxInboundResult, SandboxReply } from './sandbox-engine.js';
import { SANDBOX_REQUEST_CODES } from './sandbox-error-codes.js';
import type { SandboxMessageRecord, SandboxStats } from './sandbox-message-store.js';
import { timingSafeEqual } from '../timing-safe-equal.js';

/** Options of {@link startSandboxProvider}; all optional. */
export interface SandboxOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Bearer key the API accepts; default a random `sk_sandbox_…`. */
  apiKey?: string;
  /** HMAC key of callback signatures; default random. */
  webhookSecret?: string;
  /** Seed of the deterministic outcome draws; default `'smsflow-sandbox'`. */
  seed?: string;
  /** Overrides of {@link DEFAULT_SANDBOX_BEHAVIOUR}. */
  behaviour?: SandboxBehaviourPatch;
  /** Clock in unix ms (timestamps, signatures, rate limit); default `Date.now`. */
  now?: () => number;
}

/** A running sandbox provider. */
export interface SandboxProvider {
  /** Base URL, e.g. `http://127.0.0.1:43121` (no trailing slash). */
  readonly url: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly seed: string;
  /** Same as `GET /_sandbox/stats`. */
  stats(options?: { includeRecipients?: boolean }): SandboxStats;
  /** Current behaviour. */
  behaviour(): SandboxBehaviour;
  /**
   * Same as `PUT /_sandbox/behaviour`.
   * @throws {ZodError} (from zod) on an invalid patch.
   */
  setBehaviour(patch: SandboxBehaviourPatch): SandboxBehaviour;
  /**
   * Same as `POST /_sandbox/inbound`: emits an MO (queued for posting; use `waitForIdle` to await it).
   * @throws {SandboxInputError} when there is no URL to post to.
   */
  sendInbound(input: SandboxInboundInput): SandboxInboundResult;
  /** Same as `GET /_sandbox/messages`. */
  messages(query: { clientRef?: string; id?: string; to?: string }): SandboxMessageRecord[];
  /** Same as `POST /_sandbox/reset`. */
  reset(): void;
  /**
   * Resolves when no callback is pending (scheduled DLRs included).
   * @param timeoutMs maximum wait in ms.
   * @throws {SandboxIdleTimeoutError} on timeout.
   */
  waitForIdle(timeoutMs: number): Promise<void>;
  /** Stops the server and all callbacks. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_048_576;

const inboundSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  body: z.string(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  split: z.boolean().optional(),
});

function send(res: http.ServerResponse, reply: SandboxReply): void {
  const write = (): void => {
    if (reply.status === 204) {
      res.writeHead(204).end();
      return;
    }
    const body = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...reply.headers,
    });
    res.end(body);
  };
  if (reply.delayMs !== undefined && reply.delayMs > 0) setTimeout(write, reply.delayMs);
  else write();
}

function problem(status: number, code: number, message: string): SandboxReply {
  return { status, body: { code, message, status } };
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * Starts a sandbox provider on 127.0.0.1.
 * @throws the listen error (e.g. `EADDRINUSE`) when the port is taken.
 */
export async function startSandboxProvider(options: SandboxOptions = {}): Promise<SandboxProvider> {
  const apiKey = options.apiKey ?? `sk_sandbox_${randomBytes(16).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? randomBytes(32).toString('hex');
  const seed = options.seed ?? 'smsflow-sandbox';
  const now = options.now ?? Date.now;
  const engine = new SandboxEngine({
    seed,
    webhookSecret,
    now,
    behaviour: applySandboxBehaviourPatch(DEFAULT_SANDBOX_BEHAVIOUR, options.behaviour ?? {}),
  });
  const expectedAuth = `Bearer ${apiKey}`;

  const route = async (req: http.IncomingMessage): Promise<SandboxReply> => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path.startsWith('/v1/')) {
      if (!timingSafeEqual(req.headers.authorization ?? '', expectedAuth)) {
        return problem(401, SANDBOX_REQUEST_CODES.authenticationFailed, 'Authentication failed');
      }
      if (method === 'POST' && path === '/v1/messages') {
        const raw = await readBody(req);
        return raw === null ? problem(413, 21000, 'Body too large') : engine.submit(raw);
      }
      if (method === 'GET' && path === '/v1/account') {
        return { status: 200, body: { id: 'AC-sandbox', name: 'smsflow sandbox', status: 'active' } };
      }
    } else if (path === '/_sandbox/stats' && method === 'GET') {
      return { status: 200, body: engine.stats(url.searchParams.get('recipients') !== 'false') };
    } else if (path === '/_sandbox/messages' && method === 'GET') {
      const clientRef = url.searchParams.get('client_ref') ?? undefined;
      const id = url.searchParams.get('id') ?? undefined;
      const to = url.searchParams.get('to') ?? undefined;
      if (clientRef === undefined && id === undefined && to === undefined) {
        return problem(400, 21602, 'Missing parameter: give to (E.164), id or client_ref');
      }
      const found = engine.findMessages({ clientRef, id, to });
      if (clientRef === undefined && id === undefined) return { status: 200, body: { messages: found } };
      return found[0] === undefined
        ? problem(404, SANDBOX_REQUEST_CODES.notFound, 'No such message')
        : { status: 200, body: found[0] };
    } else if (path === '/_sandbox/inbound' && method === 'POST') {
      const parsed = inboundSchema.safeParse(parseJson((await readBody(req)) ?? ''));
      if (!parsed.success) {
        return problem(
          400,
          21602,
          `Missing or invalid parameter: ${parsed.error.issues[0]?.path.join('.') ?? 'body'}`,
        );
      }
      try {
        return { status: 202, body: engine.emitInbound(parsed.data) };
      } catch (err) {
        if (err instanceof SandboxInputError) return problem(400, 21602, err.message);
        throw err;
      }
    } else if (path === '/_sandbox/behaviour' && (method === 'GET' || method === 'PUT')) {
      if (method === 'GET') return { status: 200, body: engine.behaviour() };
      const patch = parseJson((await readBody(req)) ?? '');
      try {
        return { status: 200, body: engine.setBehaviour(patch as SandboxBehaviourPatch) };
      } catch (err) {
        if (err instanceof z.ZodError) {
          return problem(400, 21602, `Invalid behaviour: ${z.prettifyError(err)}`);
        }
        throw err;
      }
    } else if (path === '/_sandbox/reset' && method === 'POST') {
      engine.reset();
      return { status: 204, body: null };
    }
    return problem(404, SANDBOX_REQUEST_CODES.notFound, `No route for ${method} ${path}`);
  };

  const server = http.createServer((req, res) => {
    route(req).then(
      (reply) => send(res, reply),
      () => send(res, problem(500, SANDBOX_REQUEST_CODES.internalError, 'Internal sandbox error')),
    );
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    webhookSecret,
    seed,
    stats: (opts) => engine.stats(opts?.includeRecipients ?? true),
    behaviour: () => engine.behaviour(),
    setBehaviour: (patch) => engine.setBehaviour(patch),
    sendInbound: (input) => engine.emitInbound(input),
    messages: (query) => engine.findMessages(query),
    reset: () => engine.reset(),
    waitForIdle: (timeoutMs) => engine.dispatcher.waitForIdle(timeoutMs),
    close: async () => {
      engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
