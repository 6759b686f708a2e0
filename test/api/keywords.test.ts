import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/api/problem.js';
import type { KeywordPack } from '../../src/domain/keyword-pack.js';
import { createApiTestContext, json } from './api-test-context.js';
import type { ApiTestContext } from './api-test-context.js';

interface Settings {
  sender: string | null;
  source: string;
  tolerant: boolean;
  brand_name: string;
  help_contact: string;
  packs: KeywordPack[];
}

let t: ApiTestContext;
beforeAll(async () => {
  t = await createApiTestContext();
});
afterAll(async () => t.close());

const pirate: KeywordPack = {
  locale: 'en',
  keywords: { opt_out: ['Avast', 'Stop'], opt_in: ['Ahoy'], help: ['Parley', 'Help'] },
  replies: { opt_out: '{brand}: no more messages. Reply AHOY to rejoin.', opt_in: '{brand}: aboard. Msg&data rates may apply. Reply STOP to leave.', help: '{brand}: help at {help_contact}. Msg&data rates may apply. Reply STOP to leave.' },
  tolerant: { fillers: ['PLEASE'], negations: [], objects: [] },
};

describe('GET/PUT /v1/keywords', () => {
  it('serves the shipped packs for six languages until the account edits them', async () => {
    const res = await t.call('GET', '/v1/keywords');
    expect(res.status).toBe(200);
    const body = await json<Settings>(res);
    expect(body).toMatchObject({ sender: null, source: 'default', tolerant: false, brand_name: 'alice', help_contact: 'this number' });
    expect(body.packs.map((p) => p.locale)).toEqual(['en', 'es', 'pt', 'fr', 'de', 'it']);
  });

  it('stores account settings compacted, and a sender override that inherits what it does not set', async () => {
    const put = await t.call('PUT', '/v1/keywords', { body: { tolerant: true, brand_name: 'Acme', help_contact: 'acme.example/help' } });
    expect(put.status).toBe(200);
    expect(await json<Settings>(put)).toMatchObject({ source: 'account', tolerant: true, brand_name: 'Acme' });

    const override = await t.call('PUT', '/v1/keywords', { body: { sender: '+12015550100', tolerant: false, packs: [pirate] } });
    expect(override.status).toBe(200);
    const s = await json<Settings>(override);
    expect(s).toMatchObject({ sender: '+12015550100', source: 'sender', tolerant: false, brand_name: 'Acme', help_contact: 'acme.example/help' });
    expect(s.packs[0]!.keywords).toEqual({ opt_out: ['AVAST', 'STOP'], opt_in: ['AHOY'], help: ['PARLEY', 'HELP'] });

    const other = await json<Settings>(await t.call('GET', '/v1/keywords?sender=%2B12015550199'));
    expect(other).toMatchObject({ source: 'account', tolerant: true });
    expect(other.packs).toHaveLength(6);
    // Another account sees none of it.
    expect(await json<Settings>(await t.call('GET', '/v1/keywords', { as: t.bob }))).toMatchObject({ source: 'default', brand_name: 'bob' });
  });

  it('refuses a keyword in two categories, a pack without opt-out words and over-long replies, naming the field', async () => {
    const bad = {
      tolerant: false,
      packs: [
        { ...pirate, keywords: { opt_out: ['STOP'], opt_in: ['stop'], help: [] } },
        { ...pirate, locale: 'es', keywords: { opt_out: [], opt_in: [], help: [] }, replies: { ...pirate.replies, help: 'x'.repeat(301) } },
      ],
    };
    const res = await t.call('PUT', '/v1/keywords', { body: bad });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const fields = (await json<Problem>(res)).errors!.map((e) => e.field);
    expect(fields).toContain('packs[1].replies.help');
    const res2 = await t.call('PUT', '/v1/keywords', { body: { ...bad, packs: [bad.packs[0], { ...bad.packs[1], replies: pirate.replies }] } });
    const problem = await json<Problem>(res2);
    expect(res2.status).toBe(422);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'packs[0].keywords.opt_in[0]', reason: 'STOP is already in opt_out' },
        { field: 'packs[1].keywords.opt_out', reason: 'must include STOP (CTIA: STOP always works)' },
        { field: 'packs[1].keywords.help', reason: 'must include HELP (CTIA: HELP always works)' },
      ]),
    );
    // STOP cannot be replaced by another opt-out word (it would stop working on the MO path).
    const noStop = await t.call('PUT', '/v1/keywords', { body: { tolerant: true, packs: [{ ...pirate, keywords: { opt_out: ['JOIN'], opt_in: ['START'], help: ['HELP'] } }] } });
    expect(noStop.status).toBe(422);
    expect((await json<Problem>(noStop)).errors).toEqual([{ field: 'packs[0].keywords.opt_out', reason: 'must include STOP (CTIA: STOP always works)' }]);
    // Nothing stored by the refused requests.
    expect((await json<Settings>(await t.call('GET', '/v1/keywords'))).source).toBe('account');
    expect((await json<Settings>(await t.call('GET', '/v1/keywords'))).packs).toHaveLength(6);
  });
});
