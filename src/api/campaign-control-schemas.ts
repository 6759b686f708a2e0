import { z } from '@hono/zod-openapi';
import { InvalidSendWindowError, parseDailyWindow } from '../domain/send-window.js';
import { ValidationError } from './api-error.js';
import { FrequencyCapSchema } from './account-schemas.js';

/**
 * The campaign-control fields of `settings` on `POST /v1/campaigns` (quiet hours, validity,
 * scheduling), spread into the campaign settings schema. Stored in `campaigns.settings` and read by
 * the send path through `parseCampaignControls`.
 */
export const CampaignControlSettingsShape = {
  quiet_hours_window: z
    .string()
    .superRefine((text, ctx) => {
      try {
        parseDailyWindow(text);
      } catch (err) {
        if (!(err instanceof InvalidSendWindowError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
      }
    })
    .optional()
    .openapi({
      description:
        'Sending window in each recipient’s local time, `HH:MM-HH:MM`. Replaces the country’s vendor default; ' +
        'binding rules (US TCPA 08:00-21:00 and stricter states, India 09:00-21:00) still narrow it.',
      example: '09:00-20:00',
    }),
  validity_seconds: z
    .number()
    .int()
    .min(1)
    .max(2_592_000)
    .optional()
    .openapi({
      description:
        'How long after the campaign starts sending a message may still go out; a message deferred by quiet ' +
        'hours past it is `suppressed` with reason `quiet_hours`. Default: no limit.',
    }),
  start_at: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Start sending at this instant (ISO 8601); a past instant starts at once.', example: '2026-12-01T15:00:00Z' }),
  send_at_local_time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time of day HH:MM')
    .optional()
    .openapi({ description: 'Send at this time of day in each recipient’s own time zone (then quiet hours apply).', example: '10:00' }),
  frequency_cap: FrequencyCapSchema.optional().openapi({
    description:
      'This campaign’s own cap: at most `max_messages` marketing messages per contact per `period_seconds`, counted ' +
      'across campaigns; binds in addition to the account’s cap (`PATCH /v1/account/settings`), so the stricter wins. ' +
      'Messages over a cap are `suppressed` with reason `frequency_cap`.',
    example: { max_messages: 3, period_seconds: 604800 },
  }),
  ignore_account_frequency_cap: z
    .boolean()
    .optional()
    .openapi({
      description:
        'Not bound by the account’s frequency cap (as Braze’s per-campaign "frequency capping off"); its own ' +
        '`frequency_cap` still binds, and its messages still count towards other campaigns’ caps.',
    }),
  ab_winner: z
    .strictObject({
      test_share: z.number().gt(0).max(0.9).openapi({ description: 'Share of the audience in the test, rounded up to whole batches.', example: 0.2 }),
      wait_seconds: z.number().int().min(1).max(604_800).openapi({ description: 'Wait after the test batches are final before picking.', example: 3600 }),
      metric: z.enum(['delivery_rate', 'reply_rate', 'click_rate']),
    })
    .optional()
    .openapi({
      description:
        'Winner mode: send the variants to a test share, wait, pick the best by the metric, send it to the rest. ' +
        'Needs at least two variants. `click_rate` counts messages whose short link was clicked, so every variant must be a `template_id` of a template with `shorten_links`.',
    }),
};

/** The control keys shown back in a campaign's `settings`. */
export const CAMPAIGN_CONTROL_SETTINGS = ['quiet_hours_window', 'validity_seconds', 'start_at', 'send_at_local_time', 'frequency_cap', 'ab_winner', 'ignore_account_frequency_cap'] as const;

/**
 * Rules of winner mode that span fields: at least two variants; `click_rate` needs every variant to be a
 * stored template (`template_id`), since only those get short links whose clicks are counted.
 * @throws {ValidationError} (422) naming `settings.ab_winner…` or `variants[i].template_id`.
 */
export function checkAbWinnerSettings(body: { variants: unknown[]; settings: { ab_winner?: { metric: string } | undefined } }): void {
  const ab = body.settings.ab_winner;
  if (!ab) return;
  if (body.variants.length < 2) {
    throw new ValidationError([{ field: 'settings.ab_winner', reason: 'winner mode needs at least two variants' }]);
  }
  if (ab.metric === 'click_rate') {
    // Links are shortened and clicks counted only for stored templates with shorten_links.
    const issues = body.variants
      .map((v, i) => ({ v: v as { template_id?: unknown }, i }))
      .filter(({ v }) => typeof v.template_id !== 'string')
      .map(({ i }) => ({ field: `variants[${i}].template_id`, reason: 'click_rate needs every variant to be a template with shorten_links (clicks are counted on its short links)' }));
    if (issues.length > 0) throw new ValidationError(issues);
  }
}
