import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { createAccount } from '../db/account-repository.js';
import { PROJECT_ROOT } from '../project-root.js';
import { startLocalStack } from './local-stack.js';

interface StatsCounts {
  messages: number; sent: number; delivered: number; undelivered: number; failed: number; expired: number;
  rejected: number; suppressed: number; unknown: number; pending: number; segments: number; reasons: Record<string, number>;
}

/**
 * `smsflow demo`: the main job on real input. Starts the local stack, creates an account, imports
 * examples/consent.csv through the API, runs a two-variant campaign with dynamic fields through the
 * sandbox provider, waits until every message is final, and prints a stats table per variant and
 * the campaign's Temporal UI link. Checks the figures against the sandbox's own records.
 * @returns the process exit code: 0 when the numbers add up, 1 otherwise.
 */
export async function runDemo(): Promise<number> {
  const config = loadConfig({ API_PORT: '0', LOG_LEVEL: 'warn', ...process.env });
  const logger = pino({ level: config.LOG_LEVEL });
  const say = (l: string) => console.log(l);
  say('smsflow demo: starting Temporal, PostgreSQL schema, API, worker and the sandbox provider…');
  const stack = await startLocalStack(config, logger, {
    apiPort: 0,
    sandboxPort: 0,
    sandbox: { duplicateRate: 0.05, reorderRate: 0.05, dlrDelayMs: { min: 100, max: 1500 } },
    log: say,
  });
  try {
    const { account, apiKey } = await createAccount(stack.db, `Demo ${new Date().toISOString()}`);
    const call = async <T,>(method: string, path: string, body?: string | object, contentType = 'application/json') => {
      const res = await fetch(stack.api.url + path, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': contentType } : {}) },
        ...(body ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const json = (await res.json()) as T;
      if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    say(`account ${account.id} created`);

    const csv = await readFile(join(PROJECT_ROOT, 'examples', 'consent.csv'));
    const imported = await call<{ rows: number; imported: number; opted_in: number; skipped_no_consent: number; duplicates: number; errors: { line: number; field: string; reason: string }[] }>(
      'POST', '/v1/contacts/import?default_country=US', csv.toString('utf8'), 'text/csv');
    say(`imported examples/consent.csv: ${imported.rows} rows, ${imported.imported} contacts, ${imported.opted_in} opt-ins, ` +
      `${imported.skipped_no_consent} without consent, ${imported.errors.length} refused rows, e.g.:`);
    for (const e of imported.errors.slice(0, 5)) say(`  line ${e.line}: ${e.field}: ${e.reason}`);

    // The audience is frozen when the campaign starts; provider opt-out refusals during the run
    // then move some of these contacts to opted_out, so count before.
    const optedIn = Number(
      (
        await stack.db
          .selectFrom('consent_current')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('account_id', '=', account.id)
          .where('status', '=', 'opted_in')
          .executeTakeFirstOrThrow()
      ).n,
    );
    const connection = await call<{ id: string }>('POST', '/v1/connections', {
      provider: 'sandbox', name: 'Sandbox', config: { baseUrl: stack.sandbox.url },
      credentials: { apiKey: stack.sandbox.apiKey, webhookSecret: stack.sandbox.webhookSecret },
    });
    const campaign = await call<{ id: string }>('POST', '/v1/campaigns', {
      name: 'Spring sale',
      connection_id: connection.id,
      sender: '+12015550100',
      variants: [
        { key: 'A', weight: 1, body: 'Hi {{ first_name }}, spring sale: {{ campaign.discount }} off for {{ tier }} members until Sunday. Reply STOP to opt out.' },
        { key: 'B', weight: 1, body: '{{ first_name }}, your {{ tier | capitalize }} code SPRING{{ campaign.discount | remove: "%" }} saves {{ campaign.discount }} 🌷 Reply STOP to opt out.' },
      ],
      fields: { discount: '20%' },
      settings: { batch_size: 200, max_concurrent_batches: 4, dlr_timeout_seconds: 120, flush_interval_ms: 1000 },
    });
    say(`campaign ${campaign.id} started (workflow campaign/${campaign.id})`);

    let body: { status: string; stats: { totals: StatsCounts; variants: (StatsCounts & { key: string })[] } };
    const started = Date.now();
    for (;;) {
      body = await call('GET', `/v1/campaigns/${campaign.id}`);
      const t = body.stats.totals;
      process.stdout.write(`\r  ${body.status}: ${t.messages} messages, ${t.sent} sent, ${t.delivered} delivered, ${t.pending} pending   `);
      if (['completed', 'canceled', 'failed'].includes(body.status)) break;
      if (Date.now() - started > 10 * 60_000) throw new Error('campaign did not finish in 10 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    say(`\ncampaign ${body.status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    await stack.sandbox.waitForIdle(30_000).catch(() => undefined);

    const cols = ['variant', 'messages', 'sent', 'delivered', 'undelivered', 'failed', 'rejected', 'suppressed', 'unknown', 'segments'] as const;
    const row = (key: string, s: StatsCounts) => [key, s.messages, s.sent, s.delivered, s.undelivered, s.failed, s.rejected, s.suppressed, s.unknown, s.segments].map(String);
    const table = [cols as readonly string[], ...body.stats.variants.map((v) => row(v.key, v)), row('total', body.stats.totals)];
    const widths = cols.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    for (const r of table) say(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    const reasons = Object.entries(body.stats.totals.reasons).map(([k, v]) => `${k} ${v}`).join(', ');
    say(`reasons (suppressed, rejected, failed, undelivered): ${reasons || 'none'}`);
    if (stack.temporalUiUrl) say(`\nTemporal UI: ${stack.temporalUiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/campaign%2F${campaign.id}`);

    // The numbers must add up: ours against the sandbox provider's own records.
    const sb = stack.sandbox.stats({ includeRecipients: true });

    const t = body.stats.totals;
    const checks: [string, boolean][] = [
      ['every opted-in contact got exactly one message', t.messages === optedIn && t.messages > 0],
      ['no message is pending', t.pending === 0],
      ['sent = accepted by the provider', t.sent === sb.accepted],
      ['delivered = provider delivered', t.delivered === sb.outcomes.delivered],
      ['undelivered + failed = provider undelivered + failed', t.undelivered + t.failed === sb.outcomes.undelivered + sb.outcomes.failed],
      ['rejected = provider refusals', t.rejected === sb.rejected],
      ['no recipient got a message twice', Object.values(sb.byRecipient).every((n) => n === 1) && sb.duplicateSubmits === 0],
      ['variants add up to the total', body.stats.variants.reduce((a, v) => a + v.messages, 0) === t.messages],
    ];
    const failed = checks.filter(([, ok]) => !ok);
    say('');
    for (const [name, ok] of checks) say(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
    if (stack.temporalStarted) {
      say(`\nThe Temporal dev server keeps running (data in .smsflow/temporal.db); stop it with: kill $(cat .smsflow/temporal.pid)`);
    }
    return failed.length === 0 && body.status === 'completed' ? 0 : 1;
  } finally {
    await stack.close();
  }
}
