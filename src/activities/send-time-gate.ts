import { parseCampaignControls } from '../domain/campaign-controls.js';
import type { CampaignControls } from '../domain/campaign-controls.js';
import { decideSendTime, effectiveSendWindow } from '../domain/quiet-hours.js';
import { resolveRecipientLocation } from '../domain/recipient-time-zone.js';
import { ANY_TIME } from '../domain/send-window.js';
import type { Db } from '../db/connection.js';
import { recipientLocations, setNotBefore, startSendingClock } from '../db/campaign-controls-repository.js';

/** The gate's verdict on a set of queued messages at one instant. */
export interface SendTimeVerdict {
  /** May be sent now. */
  due: Set<string>;
  /** Must wait: message id → earliest instant (epoch ms). They stay `queued`. */
  deferred: Map<string, number>;
  /**
   * Never to be sent: `suppressed` with this reason — `quiet_hours` when quiet hours hold it past the
   * campaign's validity, `expired` when its local send time is past the validity. (Frequency caps are
   * enforced later, at the claim: src/db/frequency-cap-repository.ts.)
   */
  suppress: Map<string, 'quiet_hours' | 'expired'>;
}

/** Decides, at send time, which queued messages of one campaign may go now (quiet hours, local-time scheduling, validity). */
export interface SendTimeGate {
  controls: CampaignControls;
  /** Whether quiet hours apply (false only for a sandbox connection that did not opt in). */
  quietHours: boolean;
  /** Epoch ms after which nothing of this campaign may be sent; Infinity without a validity period. */
  validUntilMs: number;
  check(messageIds: string[], nowMs: number): Promise<SendTimeVerdict>;
}

/**
 * Builds the gate of a campaign: stamps the campaign's sending start (first call, by the activities'
 * clock `now`) and reads its controls. Each check resolves the recipients' zones (contact zone, else
 * area code, else country), applies the effective window (country default or campaign override,
 * narrowed by binding US/IN rules) and records `not_before` of deferred messages.
 *
 * The loopback sandbox provider never reaches a handset, so its connections skip quiet hours unless
 * their config says `quiet_hours: true` (demo, benchmarks and tests then run at any hour); every real
 * provider's connection always applies them.
 */
export async function openSendTimeGate(db: Db, campaignId: string, now: Date): Promise<SendTimeGate> {
  const row = await startSendingClock(db, campaignId, now);
  const controls = parseCampaignControls(row.settings);
  const startedMs = (row.sending_started_at ?? now).getTime();
  const validUntilMs = controls.validityMs !== undefined ? startedMs + controls.validityMs : Number.POSITIVE_INFINITY;
  const quietHours = row.provider !== 'sandbox' || row.connection_quiet_hours === true;
  const sendAt = controls.sendAtLocalMinutes !== undefined ? { minutes: controls.sendAtLocalMinutes, anchorMs: startedMs } : undefined;
  return {
    controls,
    quietHours,
    validUntilMs,
    async check(messageIds, nowMs) {
      const verdict: SendTimeVerdict = { due: new Set(), deferred: new Map(), suppress: new Map() };
      for (const r of await recipientLocations(db, messageIds)) {
        const location = resolveRecipientLocation({ e164: r.to_e164, country: r.country, timeZone: r.time_zone });
        const window = quietHours ? effectiveSendWindow(location, controls.windowOverride) : ANY_TIME;
        const { notBefore, waitFor } = decideSendTime(nowMs, location, window, sendAt);
        if (notBefore <= nowMs) verdict.due.add(r.id);
        else if (notBefore >= validUntilMs) verdict.suppress.set(r.id, waitFor === 'local_time' ? 'expired' : 'quiet_hours');
        else verdict.deferred.set(r.id, notBefore);
      }
      await setNotBefore(
        db,
        [...verdict.deferred].map(([id, t]) => ({ id, notBefore: new Date(t) })),
      );
      return verdict;
    },
  };
}
