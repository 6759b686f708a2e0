/**
 * India DLT content-template matching (TRAI TCCCPR 2018; operator DLT portals). A registered template
 * is literal text with `{#var#}` placeholders; the text sent must match it apart from the variable
 * values, or the operator blocks it (600-series DLT errors). Rules applied here:
 * - literal text must be equal, except that any run of whitespace matches any other run (the DLT
 *   side tolerates spacing; reference: compliance.md c4) and leading/trailing whitespace is ignored;
 * - each `{#var#}` takes 0..`maxVariableLength` characters (providers cap it: 30 is the common
 *   practice, MSG91 documents 40); several placeholders in a row carry a longer value.
 *
 * @module
 */

/** Default longest value of one `{#var#}`, characters. */
export const DLT_DEFAULT_VARIABLE_MAX_LENGTH = 30;

/** The placeholder of a DLT template (case-insensitive, as the portals accept it). */
const PLACEHOLDER = /\{#var#\}/gi;

/** Outcome of {@link matchDltTemplate}. */
export type DltMatch = { ok: true; values: string[] } | { ok: false; detail: string };

/** Escapes a literal for a RegExp, turning every whitespace run into `\s+`. */
function literalPattern(literal: string): string {
  return literal
    .split(/\s+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\s+');
}

const compiled = new Map<string, RegExp>();

/** The anchored RegExp of a registered template (cached per text). */
function templateRegExp(registered: string): RegExp {
  let re = compiled.get(registered);
  if (!re) {
    const literals = registered.trim().split(PLACEHOLDER);
    re = new RegExp(`^${literals.map(literalPattern).join('([\\s\\S]*?)')}$`);
    if (compiled.size > 1_000) compiled.clear();
    compiled.set(registered, re);
  }
  return re;
}

/** Number of `{#var#}` placeholders in a registered template. */
export function countDltVariables(registered: string): number {
  return registered.match(PLACEHOLDER)?.length ?? 0;
}

/**
 * Checks `text` (the rendered message, exactly as it will be sent) against a registered DLT template.
 * @param maxVariableLength longest value of one placeholder, characters (default 30).
 * @returns the placeholder values on a match, or why it does not match. Never throws.
 */
export function matchDltTemplate(registered: string, text: string, maxVariableLength = DLT_DEFAULT_VARIABLE_MAX_LENGTH): DltMatch {
  const m = templateRegExp(registered).exec(text.trim());
  if (!m) return { ok: false, detail: 'text does not match the registered DLT template' };
  const values = m.slice(1);
  const long = values.findIndex((v) => v.length > maxVariableLength);
  if (long >= 0) {
    return { ok: false, detail: `DLT variable ${long + 1} is ${values[long]!.length} characters, over ${maxVariableLength}` };
  }
  return { ok: true, values };
}
