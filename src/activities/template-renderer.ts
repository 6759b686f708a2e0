import { Liquid } from 'liquidjs';
import type { Template } from 'liquidjs';

/** Longest rendered message sent, characters (10 concatenated GSM-7 segments are 1,530 septets). */
export const MAX_RENDERED_CHARS = 1600;

/** The outcome of rendering one message. */
export type RenderResult = { ok: true; text: string } | { ok: false; reason: 'missing_field' | 'template_error'; detail: string };

/**
 * Renders Liquid message templates (liquidjs), parsing each distinct template text once and
 * rendering it per recipient: parsing is never on the per-recipient path.
 *
 * Variables: every contact attribute at the top level (`{{ first_name }}`), plus `contact.phone`,
 * `contact.country`, `contact.attributes.*` and `campaign.*` (the campaign's fields). A variable the
 * recipient lacks renders empty unless the template gives `| default:`; a rendered text that still
 * holds Liquid delimiters (`{{`, `{%`) is refused as `missing_field`, so a literal placeholder never
 * reaches a recipient.
 */
export class TemplateRenderer {
  /**
   * A tenant's template must not stall the worker or mint a 150-segment message: liquidjs' own
   * limits bound parse size (characters), render time (ms) and memory per render.
   */
  private readonly engine = new Liquid({
    strictFilters: true,
    cache: false,
    parseLimit: 10_000,
    renderLimit: 100,
    memoryLimit: 1_000_000,
  });
  private readonly parsed = new Map<string, Template[]>();

  /** Parses `source` (cached). @throws liquidjs' ParseError on a malformed template. */
  compile(source: string): Template[] {
    let tpl = this.parsed.get(source);
    if (!tpl) {
      tpl = this.engine.parse(source);
      if (this.parsed.size > 1_000) this.parsed.clear();
      this.parsed.set(source, tpl);
    }
    return tpl;
  }

  /** Renders `source` with `scope`, synchronously. Never throws. */
  render(source: string, scope: Record<string, unknown>): RenderResult {
    let tpl: Template[];
    try {
      tpl = this.compile(source);
    } catch (err) {
      return { ok: false, reason: 'template_error', detail: (err as Error).message };
    }
    try {
      const text = String(this.engine.renderSync(tpl, scope)).trim();
      if (text.length > MAX_RENDERED_CHARS) {
        return { ok: false, reason: 'template_error', detail: `rendered text is ${text.length} characters, over ${MAX_RENDERED_CHARS}` };
      }
      if (/\{\{|\{%/.test(text)) return { ok: false, reason: 'missing_field', detail: 'unrendered placeholder in output' };
      return { ok: true, text };
    } catch (err) {
      return { ok: false, reason: 'template_error', detail: (err as Error).message };
    }
  }
}
