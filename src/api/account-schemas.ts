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
  })
  .openapi('AccountSettingsPatch');

/** The account's settings as answered. */
export const AccountSettingsSchema = z
  .object({
    frequency_cap: FrequencyCapSchema.nullable(),
    max_mps: z
      .number()
      .nullable()
      .openapi({ description: 'Account-wide send rate cap, segments per second (read-only here).' }),
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
