import { describe, expect, it } from 'vitest';
import { capsForCampaign, parseFrequencyCap, splitUnderCaps } from '../../src/domain/frequency-cap.js';

const day = { max: 1, periodMs: 86_400_000 };
const week = { max: 3, periodMs: 604_800_000 };

describe('which frequency caps bind a campaign', () => {
  it('the account cap binds marketing campaigns, not transactional ones nor those that opt out; a campaign cap binds on top', () => {
    const base = { purpose: 'marketing', accountCap: week, campaignCap: undefined, ignoreAccountCap: false };
    expect(capsForCampaign(base)).toEqual([week]);
    expect(capsForCampaign({ ...base, purpose: 'transactional' })).toEqual([]);
    expect(capsForCampaign({ ...base, ignoreAccountCap: true })).toEqual([]);
    expect(capsForCampaign({ ...base, campaignCap: day })).toEqual([week, day]);
    expect(capsForCampaign({ ...base, ignoreAccountCap: true, campaignCap: day })).toEqual([day]);
    expect(capsForCampaign({ ...base, accountCap: undefined })).toEqual([]);
  });
  it('parses stored caps and treats anything else as none', () => {
    expect(parseFrequencyCap({ max_messages: 2, period_seconds: 60 })).toEqual({ max: 2, periodMs: 60_000 });
    for (const v of [undefined, null, 'x', {}, { max_messages: 0, period_seconds: 60 }, { max_messages: 1 }])
      expect(parseFrequencyCap(v)).toBeUndefined();
  });
});

describe('splitting messages under caps', () => {
  it('lets through, in order, what fits under every cap; a message let through counts for the next of the same contact', () => {
    const counted = [new Map([['c1', 2]]), new Map([['c2', 1]])];
    const msgs = [
      { id: 'm1', contactId: 'c1' }, // week: 2 + 0 < 3, day: 0 < 1 → claim
      { id: 'm2', contactId: 'c1' }, // day: 0 + 1 ≥ 1 → capped
      { id: 'm3', contactId: 'c2' }, // day: 1 ≥ 1 → capped
      { id: 'm4', contactId: null }, // no contact: never capped
      { id: 'm5', contactId: 'c3' },
    ];
    expect(splitUnderCaps(msgs, [week, day], counted)).toEqual({
      claim: ['m1', 'm4', 'm5'],
      capped: ['m2', 'm3'],
    });
  });
});
