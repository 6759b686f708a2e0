import { createHash, randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { z } from '@hono/zod-openapi';
import { appendConsentEvent, consentDedupeKey } from '../db/consent-repository.js';
import { findIdempotentResponse, storeIdempotentResponse } from '../db/idempotency-repository.js';
import type { StoredResponse } from '../db/idempotency-repository.js';
import { normalizePhoneNumber } from '../domain/phone-number.js';
import { IdempotencyKeyReusedError, ValidationError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY, requireApiKey } from './auth.js';
import type { AuthEnv } from './auth.js';
import { canonicalJson } from './canonical-json.js';
import { ConsentEventHeaders, ConsentEventInputSchema, ConsentEventResultSchema } from './event-schemas.js';
import { problemResponseSpec } from './problem.js';
import { requestProof } from './request-proof.js';
import { validationHook } from './validation-hook.js';

const ROUTE_KEY = 'POST /v1/events';
type ConsentEventResult = z.infer<typeof ConsentEventResultSchema>;
/** Clock skew tolerated on a client's `occurred_at`, ms. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const postRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Record a real-time opt-in or opt-out (sms_optin / sms_optout)',
  description:
    'Appends to the consent ledger for the purpose (default marketing), creating the contact when the number is new; ' +
    'effective for the very next send. With an Idempotency-Key, a retry with the same body answers the same event and ' +
    'appends nothing; the same key with another body is refused with 409.',
  security: BEARER_SECURITY,
  request: {
    headers: ConsentEventHeaders,
    body: { required: true, content: { 'application/json': { schema: ConsentEventInputSchema } } },
  },
  responses: {
    201: { description: 'Recorded (or replayed for the same Idempotency-Key)', content: { 'application/json': { schema: ConsentEventResultSchema } } },
    401: problemResponseSpec('Missing or bad API key'),
    409: problemResponseSpec('Idempotency-Key reused with a different body'),
    422: problemResponseSpec('Invalid phone, country or timestamp'),
  },
});

/** `/v1/events`: real-time consent events with proof. */
export function createEventRoutes(deps: ApiDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requireApiKey(deps.db));

  app.openapi(postRoute, async (c) => {
    const accountId = c.get('accountId');
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const requestSha256 = createHash('sha256').update(canonicalJson(body)).digest('hex');
    if (key !== undefined) {
      const stored = await findIdempotentResponse(deps.db, accountId, ROUTE_KEY, key);
      if (stored) return c.json(replay(stored, requestSha256, key), 201);
    }

    const phone = normalizePhoneNumber(body.phone, body.default_country);
    if (!phone.ok) throw new ValidationError([{ field: 'phone', reason: phone.reason }]);
    const now = deps.now();
    const occurredAt = body.occurred_at ? new Date(body.occurred_at) : now;
    if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw new ValidationError([{ field: 'occurred_at', reason: 'must not be in the future' }]);
    const status = body.type === 'sms_optin' ? ('opted_in' as const) : ('opted_out' as const);

    const contact = await deps.db
      .insertInto('contacts')
      .values({ id: randomUUID(), account_id: accountId, phone_e164: phone.e164, country: phone.country ?? null, attributes: '{}' })
      .onConflict((oc) => oc.columns(['account_id', 'phone_e164']).doUpdateSet({ updated_at: sql`now()` }))
      .returning('id')
      .executeTakeFirstOrThrow();
    const event = await appendConsentEvent(deps.db, {
      accountId,
      contactId: contact.id,
      phoneE164: phone.e164,
      purpose: body.purpose,
      status,
      source: body.source,
      occurredAt,
      proof: { ...body.proof, ...requestProof(c), event_type: body.type, ...(key !== undefined ? { idempotency_key: key } : {}) },
      // A keyed request is one fact however often it is retried, even concurrently.
      dedupeKey: key !== undefined ? `idempotency:${createHash('sha256').update(key).digest('hex')}` : `${consentDedupeKey(phone.e164, status, occurredAt)}:${body.purpose}`,
    });
    const current = await deps.db
      .selectFrom('consent_current')
      .select(['status', 'occurred_at'])
      .where('contact_id', '=', contact.id)
      .where('purpose', '=', body.purpose)
      .executeTakeFirst();
    const answer = {
      contact_id: contact.id,
      event: { ...event, occurred_at: event.occurred_at.toISOString(), recorded_at: event.recorded_at.toISOString() },
      consent: { purpose: body.purpose, status: current?.status ?? ('none' as const), occurred_at: current?.occurred_at.toISOString() ?? null },
    };
    deps.logger.info({ accountId, contactId: contact.id, status, purpose: body.purpose }, 'consent event recorded');
    if (key === undefined) return c.json(answer, 201);
    const stored = await storeIdempotentResponse(deps.db, accountId, ROUTE_KEY, key, { requestSha256, status: 201, body: answer });
    return c.json(replay(stored, requestSha256, key), 201);
  });

  /**
   * The stored answer of a keyed request (always a 201: only successes are stored).
   * @throws {IdempotencyKeyReusedError} when the key was used with another body.
   */
  function replay(stored: StoredResponse, requestSha256: string, key: string): ConsentEventResult {
    if (stored.requestSha256 !== requestSha256) throw new IdempotencyKeyReusedError(`Idempotency-Key ${key} was used with a different request body`);
    return stored.body as ConsentEventResult;
  }

  return app;
}
