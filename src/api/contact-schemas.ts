import { z } from '@hono/zod-openapi';
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { CountryCode } from '../domain/phone-number.js';

const Timestamp = z.string().openapi({ format: 'date-time' });
const ConsentStatusSchema = z.enum(['opted_in', 'opted_out', 'none']);

/** A contact with its current marketing consent. */
export const ContactSchema = z
  .object({
    id: z.uuid(),
    phone: z.string().openapi({ example: '+14155550123' }),
    country: z.string().nullable(),
    time_zone: z.string().nullable(),
    attributes: z.record(z.string(), z.string()),
    consent: z.object({ status: ConsentStatusSchema, occurred_at: Timestamp.nullable() }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi('Contact');

/** One consent ledger entry. */
export const ConsentEventSchema = z
  .object({
    id: z.string(),
    status: z.enum(['opted_in', 'opted_out']),
    purpose: z.string(),
    source: z.string().openapi({ example: 'csv_import' }),
    occurred_at: Timestamp,
    recorded_at: Timestamp,
    proof: z.record(z.string(), z.unknown()),
  })
  .openapi('ConsentEvent');

/** An outbound message, as listed on a contact. */
export const ContactMessageSchema = z
  .object({
    id: z.uuid(),
    campaign_id: z.string().nullable(),
    variant_key: z.string().nullable(),
    sender: z.string(),
    body: z.string(),
    segments: z.number().int(),
    status: z.string(),
    status_reason: z.string().nullable(),
    queued_at: Timestamp,
    submitted_at: Timestamp.nullable(),
    final_at: Timestamp.nullable(),
  })
  .openapi('ContactMessage');

/** `GET /v1/contacts/{id}`: the contact, its consent ledger (newest first) and its last 20 messages. */
export const ContactDetailSchema = ContactSchema.extend({
  consent_history: z.array(ConsentEventSchema),
  messages: z.array(ContactMessageSchema),
}).openapi('ContactDetail');

/** `GET /v1/contacts` answer. */
export const ContactListSchema = z
  .object({ data: z.array(ContactSchema), next_cursor: z.string().nullable() })
  .openapi('ContactList');

/** Query of `GET /v1/contacts`. */
export const ContactListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.uuid().optional().openapi({ description: 'The previous page’s `next_cursor`.' }),
  phone: z
    .string()
    .transform((v) => `+${v.replace(/[\s+()-]/g, '')}`)
    .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number'))
    .optional()
    .openapi({
      type: 'string',
      description: 'Exact E.164 number (a `+` sent unencoded, read as a space, is tolerated).',
    }),
});

/** Query of `POST /v1/contacts/import`. */
export const ContactImportQuery = z.object({
  default_country: z
    .string()
    .transform((v) => v.trim().toUpperCase())
    .refine((v): v is CountryCode => isSupportedCountry(v), 'must be an ISO 3166-1 alpha-2 country code')
    .optional()
    .openapi({
      type: 'string',
      example: 'US',
      description: 'Country of numbers written without a country code.',
    }),
});

/** Answer of `POST /v1/contacts/import`. */
export const ContactImportSummarySchema = z
  .object({
    import_id: z.uuid(),
    file_sha256: z.string(),
    rows: z.number().int(),
    imported: z.number().int().openapi({ description: 'Contacts created or changed.' }),
    opted_in: z.number().int().openapi({ description: 'Opt-ins appended to the ledger.' }),
    opted_out: z.number().int().openapi({ description: 'Opt-outs appended to the ledger.' }),
    duplicates: z.number().int().openapi({ description: 'Rows whose ledger entry already existed.' }),
    skipped_no_consent: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), field: z.string(), reason: z.string() })),
    error_count: z.number().int(),
  })
  .openapi('ContactImportSummary');

/** Path parameters of `/v1/contacts/{id}`. */
export const ContactIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

/** Answer of opt-out / opt-in: the ledger entry appended and the resulting current consent. */
export const ConsentChangeSchema = z
  .object({
    event: ConsentEventSchema,
    consent: z.object({ status: ConsentStatusSchema, occurred_at: Timestamp.nullable() }),
  })
  .openapi('ConsentChange');
