import { z } from '@hono/zod-openapi';
import { checkSenderAddress } from '../domain/sender-address.js';
import { DEFAULT_SENDER_MPS, MAX_SENDER_MPS } from '../domain/sender-mps.js';

const SenderType = z.enum(['long_code', 'short_code', 'toll_free', 'alphanumeric']).openapi({
  description: 'How the sender is addressed: a phone number (long code, toll-free), a short code or an alphanumeric ID.',
});

const Country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
  .openapi({ example: 'GB', description: 'ISO 3166-1 alpha-2.' });

const Mps = z
  .number()
  .positive()
  .max(MAX_SENDER_MPS)
  .openapi({ description: 'Message segments per second the sender may send (across all workers).', example: 1 });

const defaults = Object.entries(DEFAULT_SENDER_MPS)
  .map(([type, mps]) => `${type} ${mps}`)
  .join(', ');

/** Body of `POST /v1/senders`. Address rules per type: src/domain/sender-address.ts. */
export const CreateSenderBody = z
  .strictObject({
    connection_id: z.string().min(1).openapi({ description: 'The provider connection that owns the sender.' }),
    type: SenderType,
    address: z
      .string()
      .min(1)
      .max(32)
      .openapi({
        description:
          'long_code/toll_free: E.164 (`+12015550100`); short_code: 3–8 digits; alphanumeric: 1–11 letters, digits or spaces with at least one letter.',
        example: '+12015550100',
      }),
    country: Country.optional().openapi({
      description:
        'Numbers: derived from the number (a different value is refused). Short codes: required. Alphanumeric: optional, absent = any country whose carriers accept alphanumeric senders.',
    }),
    mps: Mps.optional().openapi({ description: `Segments per second. Default by type (compliance.md §c6): ${defaults}.` }),
  })
  .superRefine((b, ctx) => {
    const checked = checkSenderAddress(b);
    if (!checked.ok) for (const e of checked.errors) ctx.addIssue({ code: 'custom', message: e.reason, path: [e.field] });
  })
  .openapi('CreateSender');

/** Body of `PATCH /v1/senders/{id}`. */
export const UpdateSenderBody = z
  .strictObject({
    mps: Mps.optional(),
    country: Country.nullable().optional().openapi({ description: 'Short codes and alphanumeric senders only (null: any country, alphanumeric).' }),
  })
  .refine((b) => b.mps !== undefined || b.country !== undefined, { message: 'give mps or country' })
  .openapi('UpdateSender');

/** A sender as answered by the API. */
export const SenderSchema = z
  .object({
    id: z.uuid(),
    connection_id: z.string(),
    type: SenderType,
    address: z.string(),
    country: z.string().nullable(),
    mps: z.number().nullable().openapi({ description: 'Segments per second; null (a row without one) is not paced per sender.' }),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Sender');

/** `GET /v1/senders` answer. */
export const SenderListSchema = z.object({ data: z.array(SenderSchema) }).openapi('SenderList');

/** Path parameters of `/v1/senders/{id}`. */
export const SenderIdParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });
