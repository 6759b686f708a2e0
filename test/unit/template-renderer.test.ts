import { describe, expect, it } from 'vitest';
import { MAX_RENDERED_CHARS, TemplateRenderer } from '../../src/activities/template-renderer.js';

describe('TemplateRenderer', () => {
  const r = new TemplateRenderer();

  it('renders contact and campaign fields', () => {
    expect(r.render('Hi {{ first_name }}, {{ campaign.offer }}', { first_name: 'Ana', campaign: { offer: '20% off' } })).toEqual({ ok: true, text: 'Hi Ana, 20% off' });
  });

  it('refuses a rendered text longer than one 10-segment message', () => {
    const out = r.render('Deal: {{ long }}', { long: 'BUY NOW '.repeat(250) });
    expect(out).toMatchObject({ ok: false, reason: 'template_error' });
    expect(out.ok ? 0 : out.detail).toContain(String(MAX_RENDERED_CHARS));
  });

  it('stops a template that would run for seconds (render time limit)', () => {
    const started = Date.now();
    const out = r.render('hi{% for i in (1..30000000) %}{% endfor %}', {});
    expect(out.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('never lets a literal placeholder through', () => {
    expect(r.render('Hi {{ name }}', { name: '{{x}}' })).toMatchObject({ ok: false, reason: 'missing_field' });
  });
});
