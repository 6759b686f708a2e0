import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { Config } from '../config.js';

/** What GET /v1/consent-imports/{id} answers (the fields the CLI shows). */
interface ImportState {
  id: string;
  status: 'running' | 'completed' | 'failed';
  progress: number;
  lines_read: number;
  total_lines: number | null;
  rows_imported: number;
  rows_unchanged: number;
  rows_refused: number;
  error: string | null;
}

/**
 * One progress line: `[#########...........]  45%  123,456 / 270,001 lines  imported 120,000 · unchanged 0 · refused 3`.
 * @param width bar width in characters.
 */
export function formatImportProgress(s: Pick<ImportState, 'progress' | 'lines_read' | 'total_lines' | 'rows_imported' | 'rows_unchanged' | 'rows_refused'>, width = 30): string {
  const fraction = Math.max(0, Math.min(1, s.progress));
  const filled = Math.round(fraction * width);
  const n = (v: number) => v.toLocaleString('en-US');
  const lines = s.total_lines === null ? 'checking file…' : `${n(s.lines_read)} / ${n(s.total_lines)} lines`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${lines}  imported ${n(s.rows_imported)} · unchanged ${n(s.rows_unchanged)} · refused ${n(s.rows_refused)}`;
}

/**
 * `smsflow consent-import FILE [--country CC] [--errors OUT.csv]`: uploads a consent CSV to
 * `POST /v1/consent-imports` of the API at API_HOST:API_PORT (or PUBLIC_BASE_URL) with SMSFLOW_API_KEY,
 * then draws a progress bar on stderr until the `consentImport` workflow ends; `--errors` saves the
 * refused rows (line,field,reason).
 * @returns the exit code: 0 completed, 1 failed.
 */
export async function runConsentImportCommand(config: Config, args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && !['--country', '--errors'].includes(args[i - 1] ?? ''));
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (!file) throw new Error('usage: smsflow consent-import FILE [--country CC] [--errors OUT.csv]');
  if (!config.SMSFLOW_API_KEY) throw new Error('SMSFLOW_API_KEY is not set (an API key from `smsflow account create`)');
  const base = config.PUBLIC_BASE_URL ?? `http://${config.API_HOST}:${config.API_PORT}`;
  const headers = { authorization: `Bearer ${config.SMSFLOW_API_KEY}` };
  const country = flag('--country');
  const size = (await stat(file)).size;
  const res = await fetch(`${base}/v1/consent-imports${country ? `?default_country=${encodeURIComponent(country)}` : ''}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/csv', 'content-length': String(size), 'x-file-name': basename(file) },
    body: Readable.toWeb(createReadStream(file)),
    duplex: 'half',
  });
  if (res.status !== 202) throw new Error(`upload refused (${res.status}): ${await res.text()}`);
  let state = (await res.json()) as ImportState;
  process.stderr.write(`import ${state.id} (${(size / 2 ** 20).toFixed(1)} MB)\n`);
  while (state.status === 'running') {
    process.stderr.write(`\r${formatImportProgress(state)}`);
    await new Promise((r) => setTimeout(r, 500));
    state = (await (await fetch(`${base}/v1/consent-imports/${state.id}`, { headers })).json()) as ImportState;
  }
  process.stderr.write(`\r${formatImportProgress(state)}\n`);
  if (state.status === 'failed') {
    process.stderr.write(`import failed: ${state.error ?? 'unknown error'}\n`);
    return 1;
  }
  const out = flag('--errors');
  if (out && state.rows_refused > 0) {
    await writeFile(out, await (await fetch(`${base}/v1/consent-imports/${state.id}/errors`, { headers })).text());
    process.stderr.write(`refused rows written to ${out}\n`);
  } else if (state.rows_refused > 0) {
    process.stderr.write(`refused rows: GET ${base}/v1/consent-imports/${state.id}/errors (or --errors OUT.csv)\n`);
  }
  return 0;
}
