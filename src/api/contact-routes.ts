import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  appendConsentEvent,
  consentDedupeKey,
  consentHistory,
  currentConsent,
} from '../db/consent-repository.js';
import type { ConsentEventRecord } from '../db/consent-repository.js';
import { findContact, listContacts, recentContactMessages } from '../db/contact-repository.js';
import type { ContactWithConsent } from '../db/contact-repository.js';
import type { ConsentStatus, MessageRow } from '../db/database.js';
import { NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { importContactsCsv } from './contact-import.js';
import { addContactProfileRoute } from './contact-profile-route.js';
import { requestProof } from './request-proof.js';
import {
  ConsentChangeSchema,
  ContactDetailSchema,
  ContactIdParams,
  ContactImportQuery,
  ContactImportSummarySchema,
  ContactListQuery,
  ContactListSchema,
} from './contact-schemas.js';
import { problemResponseSpec } from './problem.js';
import { validationHook } from './validation-hook.js';

/** Largest CSV `POST /v1/contacts/import` reads, bytes (≈ 1 million rows). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

const CSV_MEDIA_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'];

const unauthorized = problemResponseSpec('Missing or bad API key');
const notFound = problemResponseSpec('No such contact in this account');

const importRoute = createRoute({
  method: 'post',
  path: '/import',
  summary: 'Import contacts and their consent from a CSV file',
  description:
    'Streams the CSV: columns `phone` (required), `opted_in_at`, `consent`, `country`, `time_zone`; any other ' +
    'column becomes a contact attribute. Bad rows are listed with their line; the others are imported. ' +
    'Importing the same file again appends nothing to the consent ledger.',
  security: BEARER_SECURITY,
  request: {
    query: ContactImportQuery,
    body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ format: 'binary' }) } } },
  },
  responses: {
    200: {
      description: 'Import summary',
      content: { 'application/json': { schema: ContactImportSummarySchema } },
    },
    401: unauthorized,
    413: problemResponseSpec(`Body larger than ${MAX_IMPORT_BYTES} bytes`),
    415: problemResponseSpec('Body is not CSV'),
    422: problemResponseSpec('No phone column'),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'List contacts with their current consent',
  security: BEARER_SECURITY,
  request: { query: ContactListQuery },
  responses: {
    200: {
      description: 'A page of contacts, by id',
      content: { 'application/json': { schema: ContactListSchema } },
    },
    401: unauthorized,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'Get a contact with its consent history and last 20 messages',
  security: BEARER_SECURITY,
  request: { params: ContactIdParams },
  responses: {
    200: { description: 'The contact', content: { 'application/json': { schema: ContactDetailSchema } } },
    401: unauthorized,
    404: notFound,
  },
});

function consentRoute(action: 'opt-out' | 'opt-in') {
  return createRoute({
    method: 'post',
    path: `/{id}/${action}`,
    summary: action === 'opt-out' ? 'Record an opt-out (source `api`)' : 'Record an opt-in (source `api`)',
    description: 'Appends to the consent ledger; effective for the very next send.',
    security: BEARER_SECURITY,
    request: { params: ContactIdParams },
    responses: {
      201: { description: 'Recorded', content: { 'application/json': { schema: ConsentChangeSchema } } },
      401: unauthorized,
      404: notFound,
    },
  });
}

function contactJson(c: ContactWithConsent) {
  return {
    id: c.id,
    phone: c.phone_e164,
    country: c.country,
    time_zone: c.time_zone,
    attributes: c.attributes,
    consent: { status: c.consent_status, occurred_at: c.consent_occurred_at?.toISOString() ?? null },
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

function eventJson(e: ConsentEventRecord) {
  return { ...e, occurred_at: e.occurred_at.toISOString(), recorded_at: e.recorded_at.toISOString() };
}

function messageJson(m: MessageRow) {
  return {
    id: m.id,
    campaign_id: m.campaign_id,
    variant_key: m.variant_key,
    sender: m.sender,
    body: m.body,
    segments: m.segments,
    status: m.status,
    status_reason: m.status_reason,
    queued_at: m.queued_at.toISOString(),
    submitted_at: m.submitted_at?.toISOString() ?? null,
    final_at: m.final_at?.toISOString() ?? null,
  };
}

/** `/v1/contacts`: CSV import, list, read, and API opt-out / opt-in. */
export function createContactRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(importRoute, async (c) => {
    const { default_country: defaultCountry } = c.req.valid('query');
    const mediaType = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (mediaType && !CSV_MEDIA_TYPES.includes(mediaType)) {
      throw new UnsupportedMediaTypeError(
        `send the CSV as the raw body with Content-Type: text/csv (got ${mediaType})`,
      );
    }
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_IMPORT_BYTES) throw new PayloadTooLargeError(MAX_IMPORT_BYTES);
    const summary = await importContactsCsv(deps.db, c.req.raw.body, {
      accountId: c.get('accountId'),
      ...(defaultCountry ? { defaultCountry } : {}),
      proof: requestProof(c),
      maxBytes: MAX_IMPORT_BYTES,
      now: deps.now,
    });
    const { errors: _errors, ...counts } = summary;
    deps.logger.info({ accountId: c.get('accountId'), ...counts }, 'contacts imported');
    return c.json(summary, 200);
  });

  app.openapi(listRoute, async (c) => {
    const { limit, cursor, phone } = c.req.valid('query');
    const page = await listContacts(deps.db, c.get('accountId'), {
      limit,
      ...(cursor ? { after: cursor } : {}),
      ...(phone ? { phoneE164: phone } : {}),
    });
    return c.json({ data: page.contacts.map(contactJson), next_cursor: page.nextCursor }, 200);
  });

  addContactProfileRoute(app, deps);

  app.openapi(getRoute, async (c) => {
    const accountId = c.get('accountId');
    const contact = await findContact(deps.db, accountId, c.req.valid('param').id);
    if (!contact) throw new NotFoundError('no such contact');
    const [history, messages] = await Promise.all([
      consentHistory(deps.db, accountId, contact.id),
      recentContactMessages(deps.db, accountId, contact.id, 20),
    ]);
    return c.json(
      {
        ...contactJson(contact),
        consent_history: history.map(eventJson),
        messages: messages.map(messageJson),
      },
      200,
    );
  });

  for (const [action, status] of [
    ['opt-out', 'opted_out'],
    ['opt-in', 'opted_in'],
  ] as const satisfies readonly (readonly ['opt-out' | 'opt-in', ConsentStatus])[]) {
    app.openapi(consentRoute(action), async (c) => {
      const accountId = c.get('accountId');
      const contact = await findContact(deps.db, accountId, c.req.valid('param').id);
      if (!contact) throw new NotFoundError('no such contact');
      const occurredAt = deps.now();
      const event = await appendConsentEvent(deps.db, {
        accountId,
        contactId: contact.id,
        phoneE164: contact.phone_e164,
        status,
        source: 'api',
        occurredAt,
        proof: requestProof(c),
        dedupeKey: consentDedupeKey(contact.phone_e164, status, occurredAt),
      });
      const current = await currentConsent(deps.db, contact.id);
      deps.logger.info({ accountId, contactId: contact.id, status }, 'consent recorded');
      return c.json(
        {
          event: eventJson(event),
          consent: {
            status: current?.status ?? ('none' as const),
            occurred_at: current?.occurred_at.toISOString() ?? null,
          },
        },
        201,
      );
    });
  }

  return app;
}
