import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConsentImportCommand } from '../../src/cli/consent-import-command.js';
import { loadConfig } from '../../src/config.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../helpers/test-stack.js';
import type { TestStack } from '../helpers/test-stack.js';

interface ImportBody {
  id: string;
  status: string;
  progress: number;
  total_lines: number | null;
  lines_read: number;
  rows_imported: number;
  rows_unchanged: number;
  rows_refused: number;
  error: string | null;
  workflow_id: string;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

async function upload(body: string | Buffer, query = ''): Promise<{ status: number; body: ImportBody }> {
  const res = await fetch(`${stack.api.url}/v1/consent-imports${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'text/csv', 'x-file-name': 'crm-export.csv' },
    body,
  });
  return { status: res.status, body: (await res.json()) as ImportBody };
}

async function finished(id: string): Promise<ImportBody> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await stack.call<ImportBody>('GET', `/v1/consent-imports/${id}`);
    if (res.body.status !== 'running') return res.body;
    if (Date.now() > deadline) throw new Error(`import ${id} still running: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ledgerCount = async () => Number((await stack.db.selectFrom('consent_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** A consent file of `n` rows (+1 555 01xx xxxx numbers are invalid; others valid US), with some bad rows. */
function consentFile(n: number): string {
  const lines = ['phone;opted_in_at;first_name'];
  for (let i = 0; i < n; i++) lines.push(`+1202${String(3_000_000 + i)};2025-01-0${1 + (i % 9)}T10:00:00Z;Ann ${i}`);
  lines.push('4.47401E+11;2025-01-01;Excel');
  lines.push('+12025550123;not a date;Bo');
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

describe('consentImport workflow (POST /v1/consent-imports)', () => {
  it('imports a file, reports progress and refused rows by line, and a re-import changes nothing', async () => {
    const file = consentFile(5_000);
    const started = await upload(file, '?default_country=US');
    expect(started.status).toBe(202);
    expect(started.body.workflow_id).toBe(`consent-import/${started.body.id}`);
    const done = await finished(started.body.id);
    expect(done).toMatchObject({ status: 'completed', progress: 1, total_lines: 5_003, rows_imported: 5_000, rows_refused: 2, error: null });
    expect(await ledgerCount()).toBe(5_000);

    const errors = await fetch(`${stack.api.url}/v1/consent-imports/${started.body.id}/errors`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(errors.headers.get('content-type')).toContain('text/csv');
    expect((await errors.text()).split('\r\n')).toEqual([
      'line,field,reason',
      '5002,phone,"phone in scientific notation, digits lost"',
      expect.stringMatching(/^5003,opted_in_at,/),
      '',
    ]);

    const again = await upload(file, '?default_country=US');
    const second = await finished(again.body.id);
    expect(second).toMatchObject({ status: 'completed', rows_imported: 0, rows_unchanged: 5_000, rows_refused: 2 });
    expect(await ledgerCount()).toBe(5_000);
    const history = await stack.env.client.workflow.getHandle(started.body.workflow_id).fetchHistory();
    expect(history.events!.length).toBeLessThan(20);
  });

  it.each([
    ['binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), 'csv_binary'],
    ['UTF-16 without a BOM', Buffer.from('phone,opted_in_at\n+12025550199,2025-01-01\n', 'utf16le'), 'csv_utf16'],
    ['Latin-1 (Excel "CSV" on Windows)', Buffer.from('phone,opted_in_at,city\n+12025550198,2025-01-01,Montr\xe9al\n', 'latin1'), 'csv_encoding'],
    ['a 10 MB single line', Buffer.from('phone,' + 'x'.repeat(10 * 1024 * 1024)), 'csv_line_too_long'],
  ])('a malformed file (%s) fails with a clear error and imports nothing', async (_name, bytes, code) => {
    const before = await ledgerCount();
    const started = await upload(bytes);
    expect(started.status).toBe(202);
    const done = await finished(started.body.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/UTF-8|not text|longer than/);
    expect(done.rows_imported).toBe(0);
    expect(await ledgerCount()).toBe(before);
    await expect(stack.env.client.workflow.getHandle(started.body.workflow_id).result()).rejects.toMatchObject({ cause: { cause: { type: code } } });
  });

  it('the CLI uploads a file, follows its progress to the end and saves the refused rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smsflow-cli-'));
    const file = join(dir, 'signups.csv');
    await writeFile(file, 'phone,opted_in_at\n(202) 555-0170,2025-02-01\n12,2025-02-01\n');
    const port = new URL(stack.api.url).port;
    const config = loadConfig({ API_HOST: '127.0.0.1', API_PORT: port, SMSFLOW_API_KEY: stack.apiKey });
    const code = await runConsentImportCommand(config, [file, '--country', 'US', '--errors', join(dir, 'refused.csv')]);
    expect(code).toBe(0);
    expect((await readFile(join(dir, 'refused.csv'), 'utf8')).split('\r\n')[1]).toMatch(/^3,phone,/);
    const contact = await stack.db.selectFrom('contacts').select('id').where('phone_e164', '=', '+12025550170').executeTakeFirst();
    expect(contact).toBeDefined();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an empty upload with 422 naming the body, starting nothing', async () => {
    const before = await stack.db.selectFrom('consent_imports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const res = await upload('');
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('"field":"body"');
    const after = await stack.db.selectFrom('consent_imports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('another account cannot read an import', async () => {
    expect((await stack.call('GET', `/v1/consent-imports/${randomUUID()}`)).status).toBe(404);
    expect((await stack.call('GET', '/v1/consent-imports/not-a-uuid')).status).toBe(404);
  });
});
