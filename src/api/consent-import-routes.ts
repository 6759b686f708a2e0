import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { consentImportErrors, createConsentImport, findConsentImport } from '../db/consent-import-repository.js';
import type { ConsentImportRow } from '../db/consent-import-repository.js';
import { consentImportWorkflowId } from '../workflows/consent-import-workflow.js';
import type { consentImportWorkflow } from '../workflows/consent-import-workflow.js';
import { NotFoundError, PayloadTooLargeError, ServiceUnavailableError, UnsupportedMediaTypeError, ValidationError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { ContactIdParams, ContactImportQuery } from './contact-schemas.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

/** Largest consent file accepted by the import workflow, bytes (≈ 40 million short rows). */
export const MAX_CONSENT_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** Where uploaded files wait for their workflow: shared by API and workers (same host or volume). */
export const DEFAULT_CONSENT_IMPORT_DIR = join(tmpdir(), 'smsflow-consent-imports');

const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'];

/** An import's state and progress. */
export const ConsentImportSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['running', 'completed', 'failed']),
    file_name: z.string().nullable(),
    file_bytes: z.number().int(),
    file_sha256: z.string().nullable(),
    total_lines: z.number().int().nullable(),
    lines_read: z.number().int(),
    progress: z.number().min(0).max(1).openapi({ description: 'lines_read / total_lines (0 until the file is checked)' }),
    rows_imported: z.number().int().openapi({ description: 'New ledger entries' }),
    rows_unchanged: z.number().int().openapi({ description: 'Rows already in the ledger (re-import) or without consent' }),
    rows_refused: z.number().int().openapi({ description: 'Rows refused; GET …/errors lists them' }),
    error: z.string().nullable().openapi({ description: 'Why the whole file was refused' }),
    workflow_id: z.string(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi('ConsentImport');

const unauthorized = problemResponseSpec('Missing or bad API key');

const postRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Upload a consent CSV of any size; imported by a `consentImport` workflow',
  description:
    'Same format as POST /v1/contacts/import. The file is stored, then imported in the background: read progress ' +
    'with GET /v1/consent-imports/{id}, refused rows with …/errors. Re-importing the same file changes nothing. A file ' +
    'that is not UTF-8 text (binary, UTF-16, Latin-1) or has a giant line fails as a whole.',
  security: BEARER_SECURITY,
  request: {
    query: ContactImportQuery,
    body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ format: 'binary' }) } } },
  },
  responses: {
    202: { description: 'Accepted; importing', content: { 'application/json': { schema: ConsentImportSchema } } },
    401: unauthorized,
    413: problemResponseSpec(`Body larger than ${MAX_CONSENT_FILE_BYTES} bytes`),
    415: problemResponseSpec('Body is not CSV'),
    503: problemResponseSpec('Temporal unreachable'),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'An import and its progress',
  security: BEARER_SECURITY,
  request: { params: ContactIdParams },
  responses: {
    200: { description: 'The import', content: { 'application/json': { schema: ConsentImportSchema } } },
    401: unauthorized,
    404: problemResponseSpec('No such import in this account'),
  },
});

const errorsRoute = createRoute({
  method: 'get',
  path: '/{id}/errors',
  summary: 'The refused rows of an import as CSV (line,field,reason)',
  security: BEARER_SECURITY,
  request: { params: ContactIdParams },
  responses: {
    200: { description: 'CSV, by line', content: { 'text/csv': { schema: z.string() } } },
    401: unauthorized,
    404: problemResponseSpec('No such import in this account'),
  },
});

function importJson(r: ConsentImportRow) {
  const total = r.total_lines === null ? null : Number(r.total_lines);
  const read = Number(r.lines_read);
  return {
    id: r.id,
    status: r.status,
    file_name: r.file_name,
    file_bytes: Number(r.file_bytes),
    file_sha256: r.file_sha256,
    total_lines: total,
    lines_read: read,
    progress: total ? Math.min(1, read / total) : 0,
    rows_imported: Number(r.rows_imported),
    rows_unchanged: Number(r.rows_unchanged),
    rows_refused: Number(r.rows_refused),
    error: r.error,
    workflow_id: consentImportWorkflowId(r.id),
    created_at: r.created_at.toISOString(),
    finished_at: r.finished_at?.toISOString() ?? null,
  };
}

/** A CSV field, quoted when it has to be (RFC 4180). */
const csvField = (v: string | number) => (typeof v === 'number' || !/[",\r\n]/.test(v) ? String(v) : `"${v.replaceAll('"', '""')}"`);

/** `/v1/consent-imports`: bulk consent CSV import as a workflow, its progress and its refused rows. */
export function createConsentImportRoutes(deps: ApiDeps & { consentImportDir?: string }): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));
  const dir = deps.consentImportDir ?? DEFAULT_CONSENT_IMPORT_DIR;

  app.openapi(postRoute, async (c) => {
    const mediaType = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (mediaType && !CSV_MEDIA_TYPES.includes(mediaType)) throw new UnsupportedMediaTypeError(`send the CSV as the raw body with Content-Type: text/csv (got ${mediaType})`);
    if (Number(c.req.header('content-length') ?? 0) > MAX_CONSENT_FILE_BYTES) throw new PayloadTooLargeError(MAX_CONSENT_FILE_BYTES);
    const { default_country: defaultCountry } = c.req.valid('query');
    const id = randomUUID();
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${id}.csv`);
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done(bytes > MAX_CONSENT_FILE_BYTES ? new PayloadTooLargeError(MAX_CONSENT_FILE_BYTES) : null, chunk);
      },
    });
    try {
      const body = c.req.raw.body ? Readable.fromWeb(c.req.raw.body as WebReadableStream<Uint8Array>) : Readable.from([]);
      await pipeline(body, meter, createWriteStream(path));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    if (bytes === 0) {
      await rm(path, { force: true });
      throw new ValidationError([{ field: 'body', reason: 'the file is empty: send the CSV as the request body' }]);
    }
    const row = await createConsentImport(deps.db, {
      id,
      accountId: c.get('accountId'),
      filePath: path,
      fileName: c.req.header('x-file-name') ?? null,
      fileBytes: bytes,
      defaultCountry: defaultCountry ?? null,
      apiKeyPrefix: c.get('apiKeyPrefix'),
      createdAt: deps.now(),
    });
    try {
      await deps.temporal.start<typeof consentImportWorkflow>('consentImportWorkflow', { workflowId: consentImportWorkflowId(id), taskQueue: deps.taskQueue, args: [{ importId: id }] });
    } catch (err) {
      deps.logger.error({ err, importId: id }, 'consent import workflow start failed');
      await deps.db.updateTable('consent_imports').set({ status: 'failed', error: 'workflow could not be started; upload again', finished_at: sql`now()` }).where('id', '=', id).execute();
      throw new ServiceUnavailableError('Temporal unreachable: the import was not started; upload again');
    }
    deps.logger.info({ accountId: c.get('accountId'), importId: id, bytes }, 'consent import started');
    return c.json(importJson(row), 202);
  });

  app.openapi(getRoute, async (c) => {
    const row = await findConsentImport(deps.db, c.req.valid('param').id, c.get('accountId'));
    if (!row) throw new NotFoundError('no such import');
    return c.json(importJson(row), 200);
  });

  app.openapi(errorsRoute, async (c) => {
    const row = await findConsentImport(deps.db, c.req.valid('param').id, c.get('accountId'));
    if (!row) throw new NotFoundError('no such import');
    const lines = ['line,field,reason'];
    for (let after = 0; ; ) {
      const page = await consentImportErrors(deps.db, row.id, after, 5_000);
      for (const e of page) lines.push(`${e.line},${csvField(e.field)},${csvField(e.reason)}`);
      if (page.length < 5_000) break;
      after = page[page.length - 1]!.line;
    }
    return c.body(lines.join('\r\n') + '\r\n', 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="consent-import-${row.id}-errors.csv"` });
  });

  return app;
}
