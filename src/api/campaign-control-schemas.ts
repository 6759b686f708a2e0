import { z } from '@hono/zod-openapi';
import { InvalidSendWindowError, parseDailyWindow } from '../domain/send-window.js';

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
};

/** The control keys shown back in a campaign's `settings`. */
export const CAMPAIGN_CONTROL_SETTINGS = ['quiet_hours_window', 'validity_seconds', 'start_at', 'send_at_local_time'] as const;
