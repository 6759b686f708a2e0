import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  NormalizedDlr,
  ProviderAdapter,
  SendResult,
  WebhookRequest,
} from '../../src/providers/provider-adapter.js';
import { createProviderAdapter } from '../../src/providers/provider-registry.js';
import type { SandboxBehaviourPatch } from '../../src/providers/sandbox/sandbox-behaviour.js';
import { planSandboxMessage } from '../../src/providers/sandbox/sandbox-message-plan.js';
import { startSandboxProvider } from '../../src/providers/sandbox/sandbox-server.js';
import type { SandboxOptions } from '../../src/providers/sandbox/sandbox-server.js';

/** A plain webhook receiver; `respond` picks the status of the n-th (0-based) request to a path. */
interface Receiver {
  url: string;
  received: WebhookRequest[];
  maxInFlight: number;
  close(): Promise<void>;
}

async function startReceiver(
  respond: (req: WebhookRequest, nthOnPath: number) => number = () => 204,
  holdMs = 0,
): Promise<Receiver> {
  const perPath = new Map<string, number>();
  let inFlight = 0;
  const state = { received: [] as WebhookRequest[], maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = String(v);
      const wr: WebhookRequest = {
        url: `${base}${req.url ?? ''}`,
        method: req.method ?? 'POST',
        headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      const path = new URL(wr.url).pathname;
      const n = perPath.get(path) ?? 0;
      perPath.set(path, n + 1);
      state.received.push(wr);
      setTimeout(() => {
        inFlight--;
        res.writeHead(respond(wr, n)).end();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    get received() {
      return state.received;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const FAST: SandboxBehaviourPatch = {
  outcomes: { delivered: 1 },
  dlrDelayMs: { min: 5, max: 20 },
  callbacks: { initialBackoffMs: 10, maxBackoffMs: 50 },
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(options: SandboxOptions = {}, receiver?: Receiver) {
  const behaviour = {
    ...FAST,
    ...options.behaviour,
    callbacks: { ...FAST.callbacks, ...options.behaviour?.callbacks },
  };
  const sandbox = await startSandboxProvider({ seed: 'test-seed', ...options, behaviour });
  const rx = receiver ?? (await startReceiver());
  cleanups.push(
    () => sandbox.close(),
    () => rx.close(),
  );
  const adapter = createProviderAdapter({
    id: 'conn-1',
    provider: 'sandbox',
    config: { baseUrl: sandbox.url },
    credentials: { apiKey: sandbox.apiKey, webhookSecret: sandbox.webhookSecret },
  });
  return { sandbox, rx, adapter };
}

const messageIdOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const toOf = (n: number): string => `+1555555${String(1000 + n)}`;

function req(n: number, rx: Receiver, to = toOf(n)) {
  return {
    messageId: messageIdOf(n),
    from: '+15555550100',
    to,
    body: `Hello ${n}`,
    dlrUrl: `${rx.url}/hooks/dlr?conn=1`,
    moUrl: `${rx.url}/hooks/mo`,
  };
}

function dlrsOf(rx: Receiver, adapter: ProviderAdapter): NormalizedDlr[] {
  return rx.received
    .filter((r) => r.url.includes('/hooks/dlr'))
    .map((r) => {
      expect(adapter.verifyWebhook(r)).toBe(true);
      const [dlr] = adapter.parseDlr(r);
      if (dlr === undefined) throw new Error('no dlr');
      return dlr;
    });
}

describe('sandbox provider', () => {
  it('accepts a send and posts signed sent then delivered DLRs to the status callback', async () => {
    const { sandbox, rx, adapter } = await setup();
    const res = await adapter.send(req(1, rx));
    expect(res).toMatchObject({ outcome: 'accepted', parts: 1, providerStatus: 'queued' });
    if (res.outcome !== 'accepted') throw new Error('not accepted');
    expect(res.providerMessageId).toMatch(/^SB[0-9a-f]{32}$/);
    await sandbox.waitForIdle(5_000);
    const dlrs = dlrsOf(rx, adapter);
    expect(dlrs.map((d) => d.status)).toEqual(['sent', 'delivered']);
    expect(dlrs[1]).toMatchObject({
      providerMessageId: res.providerMessageId,
      ourMessageId: req(1, rx).messageId,
      dedupeKey: `${res.providerMessageId}:delivered:2`,
    });
    expect(sandbox.stats().callbacks).toMatchObject({ attempted: 2, acknowledged: 2, failed: 0, pending: 0 });
    expect(sandbox.messages({ clientRef: req(1, rx).messageId })[0]?.status).toBe('delivered');
  });

  it('treats a repeated client_ref as the same message, not a new send', async () => {
    const { sandbox, rx, adapter } = await setup();
    const first = await adapter.send(req(1, rx));
    const again = await adapter.send(req(1, rx));
    expect(again).toEqual(first);
    const conflict = await adapter.send({ ...req(1, rx), body: 'another body' });
    expect(conflict).toMatchObject({ outcome: 'rejected', reason: 'provider_error', errorCode: '20409' });
    await sandbox.waitForIdle(5_000);
    const stats = sandbox.stats();
    expect(stats).toMatchObject({ submits: 1, accepted: 1, duplicateSubmits: 1, idempotencyConflicts: 1 });
    expect(stats.byRecipient).toEqual({ [req(1, rx).to]: 1 });
    expect(dlrsOf(rx, adapter)).toHaveLength(2);
  });

  it('refuses invalid and opted-out numbers, bad keys, and throttles above the rate limit', async () => {
    const { sandbox, rx, adapter } = await setup({
      behaviour: { optedOut: ['+15555550199'], maxSendsPerSecond: 2 },
    });
    expect(await adapter.send(req(1, rx, '5551234'))).toMatchObject({
      outcome: 'rejected',
      reason: 'invalid_number',
      errorCode: '21211',
    });
    expect(await adapter.send(req(2, rx, '+15555550199'))).toMatchObject({
      outcome: 'rejected',
      reason: 'opted_out',
      errorCode: '21610',
    });
    expect(await adapter.send(req(3, rx))).toMatchObject({
      outcome: 'retry',
      retryAfterMs: 1000,
      errorCode: '20429',
    });
    const wrongKey = createProviderAdapter({
      id: 'c',
      provider: 'sandbox',
      config: { baseUrl: sandbox.url },
      credentials: { apiKey: 'nope', webhookSecret: 'x' },
    });
    expect(await wrongKey.send(req(4, rx))).toMatchObject({ outcome: 'auth_failed' });
    expect(await wrongKey.testConnection()).toEqual({ ok: false, reason: 'credentials refused' });
    expect(await adapter.testConnection()).toEqual({ ok: true });
    expect(sandbox.stats()).toMatchObject({ submits: 2, rejected: 2, throttled: 1, accepted: 0 });
  });

  it('returns retry with Retry-After on injected provider faults, and pauses on a wrong baseUrl', async () => {
    const { sandbox, rx, adapter } = await setup({ behaviour: { serverErrorRate: 1 } });
    expect(await adapter.send(req(1, rx))).toMatchObject({
      outcome: 'retry',
      retryAfterMs: 1000,
      errorCode: '20503',
    });
    sandbox.setBehaviour({ serverErrorRate: 0 });
    expect(await adapter.send(req(1, rx))).toMatchObject({ outcome: 'accepted' });
    expect(sandbox.stats()).toMatchObject({ serverErrors: 1, submits: 1 });
    const credentials = { apiKey: sandbox.apiKey, webhookSecret: sandbox.webhookSecret };
    const wrongPath = createProviderAdapter({
      id: 'c',
      provider: 'sandbox',
      config: { baseUrl: `${sandbox.url}/nope` },
      credentials,
    });
    expect(await wrongPath.send(req(2, rx))).toMatchObject({ outcome: 'auth_failed' });
  });

  it('holds back late final DLRs, keeping their event timestamp', async () => {
    const { sandbox, rx, adapter } = await setup({
      behaviour: { lateRate: 1, lateDelayMs: 300, dlrDelayMs: { min: 0, max: 0 } },
    });
    const started = Date.now();
    await adapter.send(req(1, rx));
    await sandbox.waitForIdle(5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const final = dlrsOf(rx, adapter).find((d) => d.status === 'delivered');
    expect(Date.parse(final?.eventAt ?? '')).toBeLessThan(started + 100);
  });

  it('returns retry when the provider is unreachable', async () => {
    const sandbox = await startSandboxProvider();
    const baseUrl = sandbox.url;
    await sandbox.close();
    const adapter = createProviderAdapter({
      id: 'c',
      provider: 'sandbox',
      config: { baseUrl },
      credentials: { apiKey: 'k', webhookSecret: 's' },
    });
    expect(
      await adapter.send({
        messageId: 'm',
        from: '+15555550100',
        to: '+15555550123',
        body: 'x',
        dlrUrl: 'http://127.0.0.1:1/x',
      }),
    ).toMatchObject({ outcome: 'retry' });
    expect(await adapter.testConnection()).toMatchObject({ ok: false });
  });

  it('honours the outcome mix, predictably and identically for the same seed', async () => {
    const mix = { delivered: 0.6, undelivered: 0.15, failed: 0.1, rejected: 0.15 };
    const count = 200;
    const run = async () => {
      const { sandbox, rx, adapter } = await setup({ behaviour: { outcomes: mix, sendIntermediate: false } });
      const results: SendResult[] = [];
      for (let i = 0; i < count; i += 25) {
        const chunk = Array.from({ length: 25 }, (_, j) => adapter.send(req(i + j, rx)));
        results.push(...(await Promise.all(chunk)));
      }
      await sandbox.waitForIdle(10_000);
      const finals = new Map(dlrsOf(rx, adapter).map((d) => [d.ourMessageId, d.status]));
      const outcomes = results.map((r, i) =>
        r.outcome === 'rejected' ? 'rejected' : finals.get(messageIdOf(i)),
      );
      return { outcomes, stats: sandbox.stats(), behaviour: sandbox.behaviour() };
    };
    const a = await run();
    const b = await run();
    expect(a.outcomes).toEqual(b.outcomes);
    const predicted = a.outcomes.map(
      (_, i) =>
        planSandboxMessage(
          { seed: 'test-seed', to: toOf(i), clientRef: messageIdOf(i), parts: 1 },
          a.behaviour,
        ).outcome,
    );
    expect(a.outcomes).toEqual(predicted);
    const o = a.stats.outcomes;
    expect(o.delivered / count).toBeGreaterThan(0.5);
    expect(o.delivered / count).toBeLessThan(0.7);
    for (const k of ['undelivered', 'failed', 'rejected'] as const) {
      expect(o[k] / count).toBeGreaterThan(mix[k] / 2);
      expect(o[k] / count).toBeLessThan(mix[k] * 2);
    }
    expect(a.stats).toMatchObject({ submits: count, rejected: o.rejected, accepted: count - o.rejected });
  });

  it('posts duplicates and final-before-sent when configured', async () => {
    const { sandbox, rx, adapter } = await setup({ behaviour: { duplicateRate: 1, reorderRate: 1 } });
    for (let i = 0; i < 5; i++) await adapter.send(req(i, rx));
    await sandbox.waitForIdle(5_000);
    const dlrs = dlrsOf(rx, adapter);
    expect(dlrs).toHaveLength(20);
    for (let i = 0; i < 5; i++) {
      const mine = dlrs.filter((d) => d.ourMessageId === messageIdOf(i));
      expect(mine.map((d) => d.status)).toEqual(['delivered', 'delivered', 'sent', 'sent']);
      expect(new Set(mine.map((d) => d.dedupeKey)).size).toBe(2);
      const [delivered, , sent] = mine;
      // seq and timestamps keep event order even though the final arrived first.
      expect(delivered?.dedupeKey.endsWith(':2')).toBe(true);
      expect(sent?.dedupeKey.endsWith(':1')).toBe(true);
      expect(Date.parse(sent?.eventAt ?? '')).toBeLessThanOrEqual(Date.parse(delivered?.eventAt ?? ''));
    }
  });

  it('retries a callback with backoff until the receiver answers 2xx, and gives up after maxAttempts', async () => {
    const rx = await startReceiver((r, n) => (r.url.includes('/hooks/dlr') ? (n < 2 ? 500 : 200) : 503));
    const { sandbox, adapter } = await setup(
      { behaviour: { sendIntermediate: false, callbacks: { maxAttempts: 4 } } },
      rx,
    );
    await adapter.send(req(1, rx));
    await sandbox.waitForIdle(5_000);
    expect(sandbox.stats().callbacks).toEqual({
      attempted: 3,
      acknowledged: 1,
      errored: 2,
      failed: 0,
      pending: 0,
    });
    expect(dlrsOf(rx, adapter).map((d) => d.dedupeKey)).toEqual(
      Array(3).fill(dlrsOf(rx, adapter)[0]?.dedupeKey),
    );

    sandbox.sendInbound({ from: toOf(1), to: '+15555550100', body: 'hi', url: `${rx.url}/hooks/mo` });
    await sandbox.waitForIdle(5_000);
    expect(sandbox.stats().callbacks).toEqual({
      attempted: 7,
      acknowledged: 1,
      errored: 6,
      failed: 1,
      pending: 0,
    });
  });

  it('keeps at most `concurrency` callbacks in flight', async () => {
    const rx = await startReceiver(() => 200, 20);
    const { sandbox, adapter } = await setup(
      {
        behaviour: { sendIntermediate: false, dlrDelayMs: { min: 0, max: 0 }, callbacks: { concurrency: 4 } },
      },
      rx,
    );
    await Promise.all(Array.from({ length: 40 }, (_, i) => adapter.send(req(i, rx))));
    await sandbox.waitForIdle(10_000);
    expect(rx.received).toHaveLength(40);
    expect(rx.maxInFlight).toBe(4);
  });

  it('posts one DLR series per part when perPartDlrs is on', async () => {
    const { sandbox, rx, adapter } = await setup({ behaviour: { perPartDlrs: true } });
    const res = await adapter.send({ ...req(1, rx), body: 'x'.repeat(200) });
    expect(res).toMatchObject({ outcome: 'accepted', parts: 2 });
    await sandbox.waitForIdle(5_000);
    const dlrs = dlrsOf(rx, adapter);
    expect(dlrs).toHaveLength(4);
    expect(
      dlrs
        .filter((d) => d.status === 'delivered')
        .map((d) => d.part)
        .sort((x, y) => (x?.index ?? 0) - (y?.index ?? 0)),
    ).toEqual([
      { index: 1, total: 2 },
      { index: 2, total: 2 },
    ]);
    expect(new Set(dlrs.map((d) => d.dedupeKey)).size).toBe(4);
  });

  it('emits signed MOs, split into concatenated parts on request, to the registered inbound callback', async () => {
    const { sandbox, rx, adapter } = await setup();
    await adapter.send(req(1, rx));
    // UCS-2 (Cyrillic, emoji): 154 UTF-16 units → 3 parts of ≤ 67, no surrogate pair cut in two.
    const body = 'Ответ 😀 ' + 'ж'.repeat(140) + '😀😀';
    // No url: the sandbox uses the inbound_callback the send registered for +15555550100.
    const http202 = await fetch(`${sandbox.url}/_sandbox/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: toOf(1), to: '+15555550100', body, split: true }),
    });
    expect(http202.status).toBe(202);
    const emitted = (await http202.json()) as { ids: string[]; parts: number };
    expect(emitted.parts).toBe(3);
    sandbox.sendInbound({ from: toOf(2), to: '+15555550100', body: 'STOP' });
    await sandbox.waitForIdle(5_000);
    const mos = rx.received
      .filter((r) => r.url.endsWith('/hooks/mo'))
      .map((r) => {
        expect(adapter.verifyWebhook(r)).toBe(true);
        return adapter.parseMo(r)[0];
      });
    expect(mos).toHaveLength(4);
    const parts = mos
      .filter((m) => m?.concat !== undefined)
      .sort((x, y) => (x?.concat?.index ?? 0) - (y?.concat?.index ?? 0));
    expect(parts.map((m) => m?.providerMessageId)).toEqual(expect.arrayContaining(emitted.ids));
    expect(parts.map((m) => m?.body).join('')).toBe(body);
    expect(new Set(parts.map((m) => m?.concat?.ref)).size).toBe(1);
    expect(parts.map((m) => m?.concat?.total)).toEqual([3, 3, 3]);
    expect(mos.find((m) => m?.concat === undefined)).toMatchObject({
      from: toOf(2),
      to: '+15555550100',
      body: 'STOP',
    });
    expect(sandbox.stats().inbound).toBe(4);
  });

  it('opts a number out at the provider on STOP when autoOptOut is on', async () => {
    const { sandbox, rx, adapter } = await setup({ behaviour: { autoOptOut: true } });
    sandbox.sendInbound({ from: toOf(1), to: '+15555550100', body: ' stop ', url: `${rx.url}/hooks/mo` });
    expect(await adapter.send(req(1, rx))).toMatchObject({ outcome: 'rejected', reason: 'opted_out' });
    sandbox.sendInbound({ from: toOf(1), to: '+15555550100', body: 'START', url: `${rx.url}/hooks/mo` });
    expect(await adapter.send(req(2, rx, toOf(1)))).toMatchObject({ outcome: 'accepted' });
    await sandbox.waitForIdle(5_000);
  });

  it('serves stats, message inspection, behaviour changes and reset over HTTP', async () => {
    const { sandbox, rx, adapter } = await setup();
    await adapter.send(req(1, rx));
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as {
      accepted: number;
      byRecipient: Record<string, number>;
    };
    expect(stats).toMatchObject({ accepted: 1, byRecipient: { [toOf(1)]: 1 } });
    const one = await fetch(`${sandbox.url}/_sandbox/messages?client_ref=${messageIdOf(1)}`);
    expect(await one.json()).toMatchObject({
      clientRef: messageIdOf(1),
      to: toOf(1),
      body: 'Hello 1',
      outcome: 'delivered',
    });
    expect((await fetch(`${sandbox.url}/_sandbox/messages?client_ref=nope`)).status).toBe(404);
    // No selector is a mistake, not an empty list.
    expect((await fetch(`${sandbox.url}/_sandbox/messages`)).status).toBe(400);
    expect(await (await fetch(`${sandbox.url}/_sandbox/messages?to=${encodeURIComponent(toOf(1))}`)).json()).toMatchObject({ messages: [{ to: toOf(1) }] });
    const put = await fetch(`${sandbox.url}/_sandbox/behaviour`, {
      method: 'PUT',
      body: JSON.stringify({ outcomes: { rejected: 1 } }),
    });
    expect(await put.json()).toMatchObject({ outcomes: { delivered: 0, rejected: 1 } });
    expect(
      (
        await fetch(`${sandbox.url}/_sandbox/behaviour`, {
          method: 'PUT',
          body: JSON.stringify({ duplicateRate: 2 }),
        })
      ).status,
    ).toBe(400);
    expect(await adapter.send(req(2, rx))).toMatchObject({ outcome: 'rejected' });
    expect((await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(204);
    await sandbox.waitForIdle(1_000);
    expect(sandbox.stats()).toMatchObject({
      submits: 0,
      accepted: 0,
      byRecipient: {},
      callbacks: { attempted: 0, pending: 0 },
    });
  });
});
