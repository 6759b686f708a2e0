/**
 * Placeholder substitution and dotted-path lookup for the generic HTTP provider
 * (generic-http-config.ts describes both).
 *
 * @module
 */

/** Values a template may use. */
export type TemplateValues = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Substitutes `{{name}}` in `text`; unknown names become empty. `encode` applies to each value. */
export function renderString(text: string, values: TemplateValues, encode: (v: string) => string = (v) => v): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => encode(values[name] ?? ''));
}

/** Renders a JSON template: a string that is exactly one placeholder becomes the value. */
export function renderJson(template: unknown, values: TemplateValues): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{\s*([A-Za-z]+)\s*\}\}$/.exec(template);
    return whole !== null ? (values[whole[1]!] ?? '') : renderString(template, values);
  }
  if (Array.isArray(template)) return template.map((t) => renderJson(t, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderJson(v, values)]));
  }
  return template;
}

/** The value at a dotted path (`a.0.b`), or undefined. */
export function valueAt(source: unknown, path: string): unknown {
  let cur: unknown = source;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** The scalar at a path as a string, or undefined (objects and arrays are not scalars). */
export function stringAt(source: unknown, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const v = valueAt(source, path);
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}
