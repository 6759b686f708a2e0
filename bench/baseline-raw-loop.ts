import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Liquid } from 'liquidjs';
import pg from 'pg';
import type { Db } from '../src/db/connection.js';
import { measureSegments } from '../src/domain/segments.js';
import type { SandboxProvider } from '../src/providers/sandbox/sandbox-server.js';
import { mapLimit, sleep } from './bounded-wait.js';
import { CAMPAIGN_SPEC } from './campaign-spec.js';
import { acceptedPerSecond, readMessageFigures } from './message-figures.js';
import type { MessageFigures } from './message-figures.js';

/** Name of the baseline in results (benchmarks.md "Output convention"). */
export const BASELINE_NAME = 'raw pg + http loop';

/** What the raw loop measured. */
export interface BaselineResult {
  recipients: number;
  /** Its own campaigns row, so its messages never mix with smsflow's. */
  campaignId: string;
  figures: MessageFigures;
  /** Accepted sends/s over first → last `submitted_at` (the same formula as smsflow's). */
  acceptedPerS: number;
  /** Start (audience query) → last final DLR received, ms. */
  wallMs: number;
  /** Final DLRs received (kept in memory, not written back). */
  finalDlrs: number;
  finalPerS: number;
  sendErrors: number;
  /** This process's event loop during the baseline (see CampaignRunResult.benchLoop). */
  benchLoop: { utilization: number; delayP50Ms: number; delayP99Ms: number };
  problem: string | null;
}

const FINAL_DLR_STATUSES = new Set(['delivered', 'undelivered', 'failed', 'expired']);
const COLUMNS = ['id', 'account_id', 'campaign_id', 'recipient_seq', 'contact_id', 'variant_key', 'connection_id', 'sender', 'to_e164', 'body', 'encoding', 'segments', 'status'] as const;

/** A bare DLR receiver: counts final receipts per provider id, answers 200 at once (no signature check, no DB). */
async function startDlrReceiver(): Promise<{ url: string; finals: Set<string>; lastFinalAt: () => number; close: () => Promise<void> }> {
  const finals = new Set<string>();
  let lastFinalAt = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const dlr = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string; status?: string };
        if (dlr.id && dlr.status && FINAL_DLR_STATUSES.has(dlr.status)) {
          finals.add(dlr.id);
          lastFinalAt = Date.now();
        }
      } catch {
        // A malformed callback is simply not counted.
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dlr`,
    finals,
    lastFinalAt: () => lastFinalAt,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The same-run baseline of S1 (benchmarks.md §7.2): a plain script path with no Temporal and no
 * API. It reads the opted-in audience once, then for batches of `batch_size` (8 at once, like the
 * campaign's window) renders the same Liquid template per recipient (parsed once), inserts the
 * message rows with one multi-row INSERT through raw `pg`, POSTs each to the sandbox's
 * `/v1/messages` on 16 lanes, and records provider ids and accept times with one UNNEST UPDATE.
 * DLRs go to a bare receiver that only counts final ones.
 */
export async function runBaselineRawLoop(options: {
  db: Db;
  databaseUrl: string;
  poolSize: number;
  accountId: string;
  connectionId: string;
  sandbox: SandboxProvider;
  timeoutMs: number;
}): Promise<BaselineResult> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize, statement_timeout: 120_000 });
  const receiver = await startDlrReceiver();
  const campaignId = randomUUID();
  let problem: string | null = null;
  let sendErrors = 0;
  let accepted = 0;
  try {
    await pool.query(
      `INSERT INTO campaigns (id, account_id, name, status, connection_id, sender, workflow_id)
       VALUES ($1, $2, 'bench baseline (raw loop)', 'completed', $3, $4, $5)`,
      [campaignId, options.accountId, options.connectionId, CAMPAIGN_SPEC.sender, `bench-baseline/${campaignId}`],
    );
    const liquid = new Liquid({ strictFilters: true, cache: false });
    const template = liquid.parse(CAMPAIGN_SPEC.body);
    const authorization = `Bearer ${options.sandbox.apiKey}`;
    const started = Date.now();
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const elu0 = performance.eventLoopUtilization();

    const audience = await pool.query<{ id: string; phone_e164: string; attributes: Record<string, string> }>(
      `SELECT c.id, c.phone_e164, c.attributes FROM contacts c
       JOIN consent_current cc ON cc.contact_id = c.id AND cc.purpose = 'marketing' AND cc.status = 'opted_in'
       WHERE c.account_id = $1 ORDER BY c.id`,
      [options.accountId],
    );
    const size = CAMPAIGN_SPEC.settings.batch_size;
    const batches: number[] = [];
    for (let from = 0; from < audience.rows.length; from += size) batches.push(from);

    await mapLimit(batches, CAMPAIGN_SPEC.settings.max_concurrent_batches, async (from) => {
      const rows = audience.rows.slice(from, from + size).map((r, k) => {
        const body = String(liquid.renderSync(template, { ...r.attributes, campaign: { ...CAMPAIGN_SPEC.fields } })).trim();
        const seg = measureSegments(body);
        return [randomUUID(), options.accountId, campaignId, from + k + 1, r.id, 'A', options.connectionId, CAMPAIGN_SPEC.sender, r.phone_e164, body, seg.encoding, seg.segments, 'queued'] as const;
      });
      const values = rows.map((_, i) => `(${COLUMNS.map((__, j) => `$${i * COLUMNS.length + j + 1}`).join(', ')})`);
      await pool.query(`INSERT INTO messages (${COLUMNS.join(', ')}) VALUES ${values.join(', ')}`, rows.flat());

      const sent: { id: string; providerId: string; at: Date }[] = [];
      await mapLimit(rows, CAMPAIGN_SPEC.lanesPerBatch, async (row) => {
        const [id, , , , , , , from_, to, body] = row;
        try {
          const res = await fetch(`${options.sandbox.url}/v1/messages`, {
            method: 'POST',
            headers: { authorization, 'content-type': 'application/json' },
            body: JSON.stringify({ from: from_, to, body, client_ref: id, status_callback: receiver.url }),
            signal: AbortSignal.timeout(10_000),
          });
          const json = (await res.json()) as { id?: string };
          if ((res.status === 201 || res.status === 200) && json.id) sent.push({ id, providerId: json.id, at: new Date() });
          else sendErrors += 1;
        } catch {
          sendErrors += 1;
        }
      });
      await pool.query(
        `UPDATE messages m SET status = 'submitted', provider_message_id = u.pid, submitted_at = u.at, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS u(id, pid, at) WHERE m.id = u.id`,
        [sent.map((s) => s.id), sent.map((s) => s.providerId), sent.map((s) => s.at)],
      );
      accepted += sent.length;
    });

    const deadline = started + options.timeoutMs;
    while (receiver.finals.size < accepted && Date.now() < deadline) await sleep(100);
    if (receiver.finals.size < accepted) problem = `baseline: ${accepted - receiver.finals.size} final DLRs missing at the deadline`;
    loopDelay.disable();
    const benchLoop = {
      utilization: performance.eventLoopUtilization(elu0).utilization,
      delayP50Ms: loopDelay.percentile(50) / 1e6,
      delayP99Ms: loopDelay.percentile(99) / 1e6,
    };
    const figures = await readMessageFigures(options.db, campaignId);
    const wallMs = (receiver.lastFinalAt() || Date.now()) - started;
    return {
      recipients: audience.rows.length,
      campaignId,
      figures,
      acceptedPerS: acceptedPerSecond(figures),
      wallMs,
      finalDlrs: receiver.finals.size,
      finalPerS: wallMs > 0 ? receiver.finals.size / (wallMs / 1000) : 0,
      sendErrors,
      benchLoop,
      problem,
    };
  } finally {
    await receiver.close();
    await pool.end();
  }
}
