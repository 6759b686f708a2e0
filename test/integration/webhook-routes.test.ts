import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSandboxSignatureHeader } from '../../src/providers/sandbox/sandbox-signature.js';
import { countWhere, startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

describe('provider webhooks refuse what they cannot trust and change nothing', () => {
  let stack: TestStack;
  let path: string;
  const post = (body: string, headers: Record<string, string>, p = path) =>
    fetch(stack.api.url + p, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const sign = (body: string, at = Math.floor(Date.now() / 1000), url = stack.api.publicBaseUrl + path) =>
    formatSandboxSignatureHeader(stack.sandbox.webhookSecret, at, url, body);
  const dlr = JSON.stringify({ id: 'SB00000000000000000000000000000001', status: 'delivered', timestamp: new Date().toISOString(), seq: 2 });

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    path = `/v1/webhooks/${stack.connectionId}/dlr`;
  });
  afterAll(async () => stack?.close());

  it.each([
    ['unsigned', () => ({})],
    // One hex digit of the signature changed (replacing it with a fixed '0' left it valid 1 time in 16).
    ['forged', () => ({ 'x-sandbox-signature': sign(dlr).replace(/v1=(.)/, (_, c: string) => `v1=${c === '0' ? '1' : '0'}`) })],
    ['signed for another URL', () => ({ 'x-sandbox-signature': sign(dlr, undefined, 'http://evil.example/hook') })],
    ['stale', () => ({ 'x-sandbox-signature': sign(dlr, Math.floor(Date.now() / 1000) - 3_600) })],
  ])('%s: 401 problem+json, nothing logged', async (_name, headers) => {
    const res = await post(dlr, headers());
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await countWhere(stack.db, 'webhook_events', 'true')).toBe(0);
  });

  it('a signed but malformed payload is a 400 naming the field, and nothing is logged', async () => {
    const bad = JSON.stringify({ id: 'SB1', status: 'teleported', timestamp: 'x', seq: 1 });
    const res = await post(bad, { 'x-sandbox-signature': sign(bad) });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors[0]?.field).toBeTruthy();
    expect(await countWhere(stack.db, 'webhook_events', 'true')).toBe(0);
  });

  it('an unknown connection is 404', async () => {
    const res = await post(dlr, { 'x-sandbox-signature': sign(dlr) }, '/v1/webhooks/conn_doesnotexist/dlr');
    expect(res.status).toBe(404);
  });

  it('a valid DLR is logged once however often the provider repeats it', async () => {
    for (let i = 0; i < 3; i++) expect((await post(dlr, { 'x-sandbox-signature': sign(dlr) })).status).toBe(200);
    expect(await countWhere(stack.db, 'webhook_events', 'true')).toBe(1);
  });
});

describe('webhook size limit', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(async () => stack?.close());

  it('a body over 256 KB is refused with 413 before it is read, and nothing is logged', async () => {
    const res = await fetch(`${stack.api.url}/v1/webhooks/${stack.connectionId}/dlr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(300 * 1024),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await countWhere(stack.db, 'webhook_events', 'true')).toBe(0);
  });
});
