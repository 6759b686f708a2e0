import { z } from '@hono/zod-openapi';
import { isSupportedCountry } from 'libphonenumber-js/max';
import type { CountryCode } from '../domain/phone-number.js';
import { ConsentEventSchema } from './contact-schemas.js';

/** `POST /v1/events` body: a real-time opt-in or opt-out. */
export const ConsentEventInputSchema = z
  .strictObject({
    type: z.enum(['sms_optin', 'sms_optout']),
    phone: z.string().min(3).max(40).openapi({ example: '+14155550123', description: 'E.164, or national with default_country' }),
    default_country: z
      .string()
      .transform((v) => v.trim().toUpperCase())
      .refine((v): v is CountryCode => isSupportedCountry(v), 'must be an ISO 3166-1 alpha-2 country code')
      .optional()
      .openapi({ type: 'string', example: 'US' }),
    purpose: z.enum(['marketing', 'transactional']).default('marketing'),
    occurred_at: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'When the person gave or withdrew consent (default: now); not in the future' }),
    source: z.string().min(1).max(64).default('api').openapi({ example: 'web_form' }),
    proof: z
      .record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean()]))
      .default({})
      .openapi({ description: 'Evidence: form URL, end-user IP and user agent, checkbox text, language…', example: { form_url: 'https://example.com/join', ip: '203.0.113.7', language: 'en' } }),
  })
  .openapi('ConsentEventInput');

/** Optional headers of `POST /v1/events`. */
export const ConsentEventHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({ description: 'Same key and body: the same answer; another body: 409.' }),
});

/** Answer of `POST /v1/events`. */
export const ConsentEventResultSchema = z
  .object({
    contact_id: z.uuid(),
    event: ConsentEventSchema,
    consent: z.object({ purpose: z.string(), status: z.enum(['opted_in', 'opted_out', 'none']), occurred_at: z.string().nullable() }),
  })
  .openapi('ConsentEventResult');
