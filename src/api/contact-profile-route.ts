import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { loadContactProfile } from '../db/contact-profile-repository.js';
import { findContact } from '../db/contact-repository.js';
import { NotFoundError } from './api-error.js';
import type { ApiDeps } from './api-deps.js';
import { BEARER_SECURITY } from './auth.js';
import type { AuthEnv } from './auth.js';
import { ConsentEventSchema, ContactIdParams } from './contact-schemas.js';
import { problemResponseSpec } from './problem.js';

const Timestamp = z.string().openapi({ format: 'date-time' });

/** `GET /v1/contacts/{id}/profile` answer. */
export const ContactProfileSchema = z
  .object({
    id: z.uuid(),
    phone: z.string(),
    consent: z.array(z.object({ purpose: z.string(), status: z.enum(['opted_in', 'opted_out']), occurred_at: Timestamp })),
    consent_history: z.array(ConsentEventSchema),
    messages: z.array(
      z.object({
        id: z.uuid(),
        kind: z.enum(['campaign', 'auto_reply', 'other']),
        campaign_id: z.string().nullable(),
        in_reply_to: z.string().nullable(),
        sender: z.string(),
        body: z.string(),
        segments: z.number().int(),
        status: z.string(),
        status_reason: z.string().nullable(),
        queued_at: Timestamp,
        submitted_at: Timestamp.nullable(),
        final_at: Timestamp.nullable(),
      }),
    ),
    replies: z.array(
      z.object({
        id: z.uuid(),
        to: z.string(),
        body: z.string(),
        parts: z.number().int(),
        classification: z.enum(['OPT_OUT', 'OPT_IN', 'HELP', 'NONE']),
        keyword: z.string().nullable(),
        attributed_message_id: z.string().nullable(),
        auto_reply_message_id: z.string().nullable(),
        received_at: Timestamp,
      }),
    ),
    events: z.array(z.object({ id: z.string(), type: z.string(), payload: z.record(z.string(), z.unknown()), campaign_id: z.string().nullable(), message_id: z.string().nullable(), occurred_at: Timestamp })),
  })
  .openapi('ContactProfile');

const route = createRoute({
  method: 'get',
  path: '/{id}/profile',
  summary: 'A contact’s profile: consent per purpose and its full ledger, messages sent, replies, user events',
  security: BEARER_SECURITY,
  request: { params: ContactIdParams },
  responses: {
    200: { description: 'The profile (lists newest first, 50 each; the ledger in full)', content: { 'application/json': { schema: ContactProfileSchema } } },
    401: problemResponseSpec('Missing or bad API key'),
    404: problemResponseSpec('No such contact in this account'),
  },
});

const CLASSIFICATION = { opt_out: 'OPT_OUT', opt_in: 'OPT_IN', help: 'HELP' } as const;
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Adds `GET /{id}/profile` to the contacts sub-app (which already authenticates). */
export function addContactProfileRoute(app: OpenAPIHono<AuthEnv>, deps: ApiDeps): void {
  app.openapi(route, async (c) => {
    const accountId = c.get('accountId');
    const contact = await findContact(deps.db, accountId, c.req.valid('param').id);
    if (!contact) throw new NotFoundError('no such contact');
    const p = await loadContactProfile(deps.db, accountId, contact.id);
    return c.json(
      {
        id: contact.id,
        phone: contact.phone_e164,
        consent: p.consentCurrent.map((s) => ({ purpose: s.purpose, status: s.status, occurred_at: s.occurred_at.toISOString() })),
        consent_history: p.consentHistory.map((e) => ({ ...e, occurred_at: e.occurred_at.toISOString(), recorded_at: e.recorded_at.toISOString() })),
        messages: p.messages.map((m) => ({
          id: m.id,
          kind: m.campaign_id ? ('campaign' as const) : m.reply_to_inbound_id ? ('auto_reply' as const) : ('other' as const),
          campaign_id: m.campaign_id,
          in_reply_to: m.reply_to_inbound_id,
          sender: m.sender,
          body: m.body,
          segments: m.segments,
          status: m.status,
          status_reason: m.status_reason,
          queued_at: m.queued_at.toISOString(),
          submitted_at: iso(m.submitted_at),
          final_at: iso(m.final_at),
        })),
        replies: p.replies.map((r) => ({
          id: r.id,
          to: r.to_address,
          body: r.full_body ?? r.body,
          parts: r.concat_total ?? 1,
          classification: r.keyword_class ? CLASSIFICATION[r.keyword_class as keyof typeof CLASSIFICATION] : ('NONE' as const),
          keyword: r.keyword,
          attributed_message_id: r.attributed_message_id,
          auto_reply_message_id: r.auto_reply_message_id,
          received_at: r.received_at.toISOString(),
        })),
        events: p.events.map((e) => ({ id: e.id, type: e.type, payload: e.payload, campaign_id: e.campaign_id, message_id: e.message_id, occurred_at: e.occurred_at.toISOString() })),
      },
      200,
    );
  });
}
