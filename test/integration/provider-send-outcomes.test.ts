import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderAdapter } from '../../src/providers/provider-adapter.js';
import { createProviderAdapter } from '../../src/providers/provider-registry.js';
import type { FakeProvider } from '../helpers/fakes/fake-provider-server.js';
import { startGenericHttpFake } from '../helpers/fakes/generic-http-fake.js';
import { startInfobipFake } from '../helpers/fakes/infobip-fake.js';
import { startMessageBirdFake } from '../helpers/fakes/messagebird-fake.js';
import { startPlivoFake } from '../helpers/fakes/plivo-fake.js';
import { startSinchFake } from '../helpers/fakes/sinch-fake.js';
import { startTelnyxFake } from '../helpers/fakes/telnyx-fake.js';
import { startTwilioFake } from '../helpers/fakes/twilio-fake.js';
import { startVonageFake } from '../helpers/fakes/vonage-fake.js';

/** Each fake, and the credential that authenticates our API calls to it. */
const FAKES: Array<[string, () => Promise<FakeProvider>, string]> = [
  ['twilio', () => startTwilioFake(), 'authToken'],
  ['vonage', () => startVonageFake(), 'apiSecret'],
  ['plivo', () => startPlivoFake(), 'authToken'],
  ['telnyx', () => startTelnyxFake(), 'apiKey'],
  ['sinch', () => startSinchFake(), 'apiToken'],
  ['infobip', () => startInfobipFake(), 'apiKey'],
  ['messagebird', () => startMessageBirdFake(), 'accessKey'],
  ['generic-http', () => startGenericHttpFake(), 'token'],
];

const open: FakeProvider[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.close();
});

const adapterFor = (fake: FakeProvider, patch: { credentials?: Record<string, string>; baseUrl?: string } = {}): ProviderAdapter => {
  const config = patch.baseUrl === undefined ? fake.connection.config : JSON.parse(JSON.stringify(fake.connection.config).split(fake.url).join(patch.baseUrl)) as Record<string, unknown>;
  return createProviderAdapter({ id: 'conn_t', provider: fake.provider, config, credentials: { ...fake.connection.credentials, ...patch.credentials } });
};
const request = (to: string) => ({ messageId: '7d3e0c1a-0000-4000-8000-000000000001', from: '+12015550100', to, body: 'Hello', dlrUrl: 'http://127.0.0.1:9/v1/webhooks/conn_t/dlr' });

describe.each(FAKES)('%s adapter against its fake', (_name, start, secretField) => {
  it('testConnection: ok on the account endpoint; credentials refused and unreachable are told apart', async () => {
    const fake = await start();
    open.push(fake);
    expect(await adapterFor(fake).testConnection()).toEqual({ ok: true });
    const refused = await adapterFor(fake, { credentials: { [secretField]: 'wrong-secret' } }).testConnection();
    expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/credentials refused/) as unknown });
    const down = await adapterFor(fake, { baseUrl: 'http://127.0.0.1:9' }).testConnection();
    expect(down).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot reach/) as unknown });
  });

  it('send: accepted with a provider id; wrong credentials pause (auth_failed); unreachable retries', async () => {
    const fake = await start();
    open.push(fake);
    const ok = await adapterFor(fake).send(request('+12015550123'));
    expect(ok).toMatchObject({ outcome: 'accepted' });
    expect(fake.sent.map((s) => s.providerId)).toContain(ok.outcome === 'accepted' ? ok.providerMessageId : '');
    expect(await adapterFor(fake, { credentials: { [secretField]: 'wrong-secret' } }).send(request('+12015550123'))).toMatchObject({ outcome: 'auth_failed' });
    expect(await adapterFor(fake, { baseUrl: 'http://127.0.0.1:9' }).send(request('+12015550123'))).toMatchObject({ outcome: 'retry' });
  });
});

describe('provider-specific send refusals', () => {
  it('twilio: 21610 is rejected opted_out, 21211 invalid_number, 503 retry', async () => {
    const fake = await startTwilioFake({ outcomes: { '+12015550124': { sync: 21610 } } });
    open.push(fake);
    expect(await adapterFor(fake).send(request('+12015550124'))).toMatchObject({ outcome: 'rejected', reason: 'opted_out', errorCode: '21610' });
    expect(await adapterFor(fake).send(request('12345'))).toMatchObject({ outcome: 'rejected', reason: 'invalid_number', errorCode: '21211' });
    const down = await startTwilioFake({ failSendsWith: 503 });
    open.push(down);
    expect(await adapterFor(down).send(request('+12015550123'))).toMatchObject({ outcome: 'retry' });
  });
  it('telnyx: 40300 (blocked due to STOP) is rejected opted_out', async () => {
    const fake = await startTelnyxFake({ outcomes: { '+12015550124': { sync: '40300' } } });
    open.push(fake);
    expect(await adapterFor(fake).send(request('+12015550124'))).toMatchObject({ outcome: 'rejected', reason: 'opted_out', errorCode: '40300' });
  });
  it('infobip: REJECTED_DESTINATION in the 200 answer is rejected opted_out; no credit pauses the connection', async () => {
    const fake = await startInfobipFake({ rejected: { '12015550124': { id: 14, name: 'REJECTED_DESTINATION' }, '12015550125': { id: 12, name: 'REJECTED_NOT_ENOUGH_CREDITS' } } });
    open.push(fake);
    expect(await adapterFor(fake).send(request('+12015550124'))).toMatchObject({ outcome: 'rejected', reason: 'opted_out' });
    expect(await adapterFor(fake).send(request('+12015550125'))).toMatchObject({ outcome: 'auth_failed' });
  });
  it('vonage: status 7 (number barred) is rejected, status 1 (throttled) retries, always HTTP 200', async () => {
    const fake = await startVonageFake({ outcomes: { '12015550124': { sendStatus: 7 }, '12015550125': { sendStatus: 1 } } });
    open.push(fake);
    expect(await adapterFor(fake).send(request('+12015550124'))).toMatchObject({ outcome: 'rejected', reason: 'carrier_rejected' });
    expect(await adapterFor(fake).send(request('+12015550125'))).toMatchObject({ outcome: 'retry' });
  });
  it('generic-http: an error code mapped to invalid_number rejects', async () => {
    const fake = await startGenericHttpFake();
    open.push(fake);
    expect(await adapterFor(fake).send(request('+1'))).toMatchObject({ outcome: 'rejected', reason: 'invalid_number', errorCode: 'E_NUMBER' });
  });
});
