import { describe, expect, it } from 'vitest';
import { MessageComposer, newLinkCode } from '../../src/activities/message-composer.js';
import type { CompositionTemplate } from '../../src/activities/message-composer.js';
import { TemplateRenderer } from '../../src/activities/template-renderer.js';

const base: CompositionTemplate = { body: '', policy: 'fail', defaults: {}, shortenLinks: false, dlt: null };
const options = { smartEncoding: false, linkBaseUrl: 'https://s.example/l/' };

describe('MessageComposer', () => {
  let n = 0;
  const composer = new MessageComposer(new TemplateRenderer(), () => `code${++n}`);

  it('suppresses a message with a missing variable and names it', () => {
    const out = composer.compose({ ...base, body: 'Hi {{ first_name }} {{ code }}' }, { code: '1' }, options);
    expect(out).toMatchObject({ ok: false, reason: 'missing_field', variables: ['first_name'], text: '' });
  });

  it('shortens links before measuring, so the short URL is what is counted', () => {
    const long = `https://shop.example.com/spring?utm=${'x'.repeat(150)}`;
    const out = composer.compose({ ...base, body: 'Sale: {{ url }}. Reply STOP to opt out', shortenLinks: true }, { url: long }, options);
    expect(out.ok).toBe(true);
    expect(out.text).toMatch(/^Sale: https:\/\/s\.example\/l\/code\d+\. Reply STOP to opt out$/);
    expect(out.links).toEqual([{ code: /\/l\/(code\d+)/.exec(out.text)![1], url: long }]);
    expect(out.segments.segments).toBe(1);
  });

  it('applies smart encoding when the account has it on', () => {
    const t = { ...base, body: 'We’ll see you' };
    expect(composer.compose(t, {}, options).segments.encoding).toBe('UCS-2');
    expect(composer.compose(t, {}, { ...options, smartEncoding: true })).toMatchObject({ ok: true, text: "We'll see you" });
  });

  it('checks the final text against the DLT template and carries the DLT ids', () => {
    const dlt = { entityId: '1101234567890123456', templateId: '1107161234567890123', text: 'Dear {#var#}, your order {#var#} has shipped. - ACME', variableMaxLength: 30 };
    const t = { ...base, body: 'Dear {{ name }}, your order {{ order }} has shipped. - ACME', dlt };
    expect(composer.compose(t, { name: 'Ana', order: '#4821' }, options)).toMatchObject({ ok: true, dlt: { entityId: dlt.entityId, templateId: dlt.templateId } });
    expect(composer.compose(t, { name: 'A'.repeat(31), order: '1' }, options)).toMatchObject({ ok: false, reason: 'dlt_mismatch' });
    const drifted = { ...t, body: 'Hi {{ name }}, your order {{ order }} has shipped. - ACME' };
    expect(composer.compose(drifted, { name: 'Ana', order: '1' }, options)).toMatchObject({ ok: false, reason: 'dlt_mismatch', text: 'Hi Ana, your order 1 has shipped. - ACME' });
  });

  it('refuses a DLT template sent from another header', () => {
    const dlt = { entityId: '1101234567890123456', templateId: '1107161234567890123', text: 'Hi {#var#}', header: 'ACMEIN' };
    const t = { ...base, body: 'Hi {{ name }}', dlt };
    expect(composer.compose(t, { name: 'Ana' }, { ...options, sender: 'acmein' }).ok).toBe(true);
    expect(composer.compose(t, { name: 'Ana' }, { ...options, sender: 'OTHERS' })).toMatchObject({ ok: false, reason: 'dlt_mismatch', detail: 'sender OTHERS is not the DLT header ACMEIN' });
  });

  it('mints short, unguessable base62 codes', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => newLinkCode()));
    expect(codes.size).toBe(1000);
    for (const c of codes) expect(c).toMatch(/^[0-9A-Za-z]{9}$/);
  });
});
