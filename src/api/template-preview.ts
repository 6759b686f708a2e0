import type { z } from '@hono/zod-openapi';
import { MessageComposer } from '../activities/message-composer.js';
import type { CompositionOptions, CompositionTemplate } from '../activities/message-composer.js';
import { TemplateRenderer } from '../activities/template-renderer.js';
import type { Db } from '../db/connection.js';
import { segmentPrice } from '../db/template-repository.js';
import { normalizePhoneNumber } from '../domain/phone-number.js';
import type { CountryCode } from '../domain/phone-number.js';
import { measureSegments, segmentTexts } from '../domain/segments.js';
import type { MeasureOptions, SegmentInfo } from '../domain/segments.js';
import { smartEncode } from '../domain/smart-encoding.js';
import type { PreviewBody, PreviewItemSchema } from './template-schemas.js';

type PreviewItem = z.infer<typeof PreviewItemSchema>;
type PreviewInput = z.output<typeof PreviewBody>;

/**
 * Previews share one renderer (parsed templates cached) and mint placeholder link codes of the real
 * length, so a preview counts exactly the septets a campaign message will have without storing links.
 */
const composer = new MessageComposer(new TemplateRenderer(), () => 'XXXXXXXXX');

/** The segment fields of a preview from a measurement (3GPP TS 23.038/23.040). */
function split(text: string, info: SegmentInfo) {
  return {
    encoding: info.encoding,
    units: info.units,
    unit: info.encoding === 'GSM-7' ? ('septets' as const) : ('code_units' as const),
    characters: info.characters,
    segments: info.segments,
    segment_units: info.segmentUnits,
    segment_texts: segmentTexts(text, info),
    non_gsm_characters: info.nonGsmCharacters.map((c) => ({ char: c.char, code_point: c.codePoint, index: c.index })),
    shift_tables: info.shiftTables ? { ...info.shiftTables } : null,
  };
}

/**
 * Renders `template` for each sample contact of `input` and answers what a carrier will bill: text,
 * encoding, septets or code units, segments and their split, the characters that force UCS-2, the
 * smart-encoded alternative (when it differs) and the estimated cost from the account's price per
 * segment for the contact's country (`segment_prices`, falling back to `*`; null when none is set).
 */
export async function previewTemplate(
  db: Db,
  accountId: string,
  template: CompositionTemplate,
  input: PreviewInput,
  options: CompositionOptions,
): Promise<PreviewItem[]> {
  const measureOptions: MeasureOptions = options.nationalLanguage ? { nationalLanguage: options.nationalLanguage } : {};
  const previews: PreviewItem[] = [];
  for (const contact of input.contacts) {
    const parsed = contact.phone ? normalizePhoneNumber(contact.phone, contact.country as CountryCode | undefined) : undefined;
    const phone = parsed?.ok ? parsed.e164 : contact.phone;
    const country = contact.country ?? (parsed?.ok ? parsed.country : undefined);
    const scope = {
      ...contact.attributes,
      contact: { phone, country, attributes: contact.attributes },
      campaign: { ...input.campaign_fields },
    };
    const out = composer.compose(template, scope, options);
    let smart: PreviewItem['smart_encoded'] = null;
    if (!options.smartEncoding && out.text !== '') {
      const encoded = smartEncode(out.text);
      if (encoded.replacements.length > 0) {
        smart = { ...split(encoded.text, measureSegments(encoded.text, measureOptions)), text: encoded.text, replacements: encoded.replacements };
      }
    }
    const price = await segmentPrice(db, accountId, country);
    previews.push({
      ok: out.ok,
      text: out.text,
      reason: out.ok ? null : out.reason,
      detail: out.ok ? null : out.detail,
      variables: out.ok ? [] : (out.variables ?? []),
      ...split(out.text, out.segments),
      smart_encoded: smart,
      estimated_cost: price && out.ok
        ? {
            country: price.country,
            currency: price.currency,
            price_per_segment: price.pricePerSegment,
            amount: Math.round(price.pricePerSegment * out.segments.segments * 1e6) / 1e6,
          }
        : null,
    });
  }
  return previews;
}
