import { z } from '@hono/zod-openapi';
import { KEYWORD_LIMITS } from '../domain/keyword-pack.js';

const words = z.array(z.string().min(1).max(64)).max(200);
const reply = z.string().min(KEYWORD_LIMITS.replyMin).max(KEYWORD_LIMITS.replyMax);

/** One language's keywords, replies (`{brand}`, `{help_contact}` placeholders) and tolerant vocabulary. */
export const KeywordPackSchema = z
  .strictObject({
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as en or pt-BR'),
    keywords: z.strictObject({
      opt_out: z.array(z.string()).max(KEYWORD_LIMITS.perCategory),
      opt_in: z.array(z.string()).max(KEYWORD_LIMITS.perCategory),
      help: z.array(z.string()).max(KEYWORD_LIMITS.perCategory),
    }),
    replies: z.strictObject({ opt_out: reply, opt_in: reply, help: reply }),
    tolerant: z.strictObject({ fillers: words, negations: words, objects: words }).default({ fillers: [], negations: [], objects: [] }),
  })
  .openapi('KeywordPack');

/** `PUT /v1/keywords` body. */
export const KeywordSettingsInputSchema = z
  .strictObject({
    sender: z.string().min(1).max(32).optional().openapi({ description: 'A sender address to override; absent = the account level', example: '+12015550100' }),
    tolerant: z.boolean().openapi({ description: 'Also match phrases such as "stop please" (fuzzy opt-out)' }),
    brand_name: z.string().min(1).max(60).nullable().optional(),
    help_contact: z.string().min(1).max(100).nullable().optional().openapi({ example: 'support.example.com or +18005550100' }),
    packs: z.array(KeywordPackSchema).min(1).max(20).nullable().optional().openapi({ description: 'null or absent = inherit (account level, then the shipped defaults)' }),
  })
  .openapi('KeywordSettingsInput');

/** The settings in effect for the account or one sender. */
export const KeywordSettingsSchema = z
  .object({
    sender: z.string().nullable(),
    source: z.enum(['sender', 'account', 'default']),
    tolerant: z.boolean(),
    brand_name: z.string(),
    help_contact: z.string(),
    packs: z.array(KeywordPackSchema),
  })
  .openapi('KeywordSettings');

/** `GET /v1/keywords?sender=`. */
export const KeywordSettingsQuery = z.object({
  sender: z.string().regex(/^(\+[1-9]\d{1,14}|\d{3,8}|[A-Za-z0-9 ]{1,11})$/, 'must be an E.164 number, a short code or an alphanumeric sender ID').optional(),
});
