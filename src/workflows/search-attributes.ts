import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes smsflow sets on its workflows, so operators can filter and read them in
 * the Temporal UI (e.g. `CampaignId = "…"`). They must be registered on the namespace: the dev
 * server gets them as `--search-attribute` flags; an existing cluster through the operator service.
 */
export const CampaignIdKey = defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD);
export const AccountIdKey = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const CampaignStatusKey = defineSearchAttributeKey('CampaignStatus', SearchAttributeType.KEYWORD);
/** Messages that reached a final state so far (upserted every few batches, not per message). */
export const MessagesFinalKey = defineSearchAttributeKey('MessagesFinal', SearchAttributeType.INT);
/** Audience size of the campaign. */
export const AudienceSizeKey = defineSearchAttributeKey('AudienceSize', SearchAttributeType.INT);
export const OnboardingStepKey = defineSearchAttributeKey('OnboardingStep', SearchAttributeType.KEYWORD);

/** Every key above, for registration. */
export const ALL_SEARCH_ATTRIBUTES = [
  CampaignIdKey,
  AccountIdKey,
  CampaignStatusKey,
  MessagesFinalKey,
  AudienceSizeKey,
  OnboardingStepKey,
] as const;
