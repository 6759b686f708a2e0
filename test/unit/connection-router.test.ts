import { describe, expect, it } from 'vitest';
import { pickRoute } from '../../src/activities/connection-router.js';
import type { ConnectionRoute } from '../../src/db/connection-route-repository.js';

const route = (campaign_id: string | null, country: string | null, connection_id: string): ConnectionRoute => ({ campaign_id, country, connection_id, fallback_connection_id: null });

describe('pickRoute: the most specific route wins', () => {
  const routes = [route(null, null, 'account-any'), route(null, 'US', 'account-us'), route('c1', null, 'campaign-any'), route('c1', 'GB', 'campaign-gb')];
  it.each([
    ['GB', 'campaign-gb'],
    ['US', 'campaign-any'],
    [undefined, 'campaign-any'],
  ])('destination %s → %s', (country, expected) => {
    expect(pickRoute(routes, country)?.connection_id).toBe(expected);
  });
  it('account routes apply when the campaign has none; a country route beats the catch-all', () => {
    const account = routes.filter((r) => r.campaign_id === null);
    expect(pickRoute(account, 'US')?.connection_id).toBe('account-us');
    expect(pickRoute(account, 'FR')?.connection_id).toBe('account-any');
    expect(pickRoute([route(null, 'US', 'x')], 'FR')).toBeUndefined();
  });
});
