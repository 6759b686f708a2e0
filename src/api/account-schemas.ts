import { z } from '@hono/zod-openapi';

/** A frequency cap as the API takes it (account settings and campaign settings). */
export const FrequencyCapSchema = z
  .strictObject({
    max_messages: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .openapi({ description: 'Most marketing messages a contact may get in the period.' }),
    period_seconds: z
      .number()
      .int()
      .min(1)
      .max(31_536_000)
      .openapi({ description: 'Rolling period, seconds (86400 = a day).' }),
  })
  .openapi('FrequencyCap', { example: { max_messages: 3, period_seconds: 604800 } });

/** `PATCH /v1/account/settings` body: only the keys given change; `null` removes a setting. */
export const AccountSettingsPatchSchema = z
  .strictObject({
    frequency_cap: FrequencyCapSchema.nullable()
      .optional()
      .openapi({
        description:
          'Account-wide cap on marketing messages per contact, across every campaign; `null` removes it. ' +
          'Transactional campaigns (`purpose: transactional`), campaigns with `ignore_account_frequency_cap` and ' +
          'auto-replies (STOP/HELP confirmations) are exempt. Messages over it are `suppressed` with reason `frequency_cap`.',
      }),
    max_mps: z
      .number()
      .positive()
      .max(10_000)
      .nullable()
      .optional()
      .openapi({
        description:
          'Account-wide send rate cap in segments per second, across every sender and worker (providers cap accounts too, ' +
          'e.g. Telnyx 50 SMS/s: compliance.md §c6); `null` removes it.',
      }),
    smart_encoding: z
      .boolean()
      .nullable()
      .optional()
      .openapi({ description: 'Replace look-alike Unicode (curly quotes, dashes…) with GSM-7 characters so a message stays GSM-7; `null` = off.' }),
    national_language: z
      .enum(['tr', 'es', 'pt'])
      .nullable()
      .optional()
      .openapi({ description: 'Count segments with this 3GPP TS 23.038 national shift table as well; `null` = none.' }),
  })
  .openapi('AccountSettingsPatch');

/** The account's settings as answered. */
export const AccountSettingsSchema = z
  .object({
    frequency_cap: FrequencyCapSchema.nullable(),
    max_mps: z.number().nullable().openapi({ description: 'Account-wide send rate cap, segments per second.' }),
    smart_encoding: z.boolean(),
    national_language: z.enum(['tr', 'es', 'pt']).nullable(),
  })
  .openapi('AccountSettings');

/** `GET /v1/account`. */
export const AccountSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    created_at: z.string().openapi({ format: 'date-time' }),
    settings: AccountSettingsSchema,
  })
  .openapi('Account');
