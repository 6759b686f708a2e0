import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/project-root.js';
import type { BenchEnv } from './bench-env.js';

/** One goal a scenario reports against (it reports; it never fails the run). */
export interface ScenarioGoal {
  name: string;
  /** Measured value; null when not measured this run. */
  value: number | null;
  unit: string;
  goal: number;
  goal_is: 'min' | 'max';
  /** null when not measured. */
  met: boolean | null;
}

/**
 * A scenario's result in the shape of benchmarks.md "Output convention": `value` is the headline
 * figure, `goal_is` says whether `goal` is a floor (`min`) or a ceiling (`max`), `baseline` is
 * the same-run baseline and `ratio` = value / baseline value. `goals` lists every goal of the
 * scenario, `figures` the other figures it names, `notes` how to read them.
 */
export interface ScenarioResult {
  scenario: string;
  value: number;
  unit: string;
  goal: number;
  goal_is: 'min' | 'max';
  baseline: { name: string; value: number; unit: string } | null;
  ratio: number | null;
  goals: ScenarioGoal[];
  figures: Record<string, unknown>;
  notes: string[];
  env: BenchEnv;
}

/** Whether `value` meets a goal; null when not measured. */
export function meets(value: number | null, goal: number, goalIs: 'min' | 'max'): boolean | null {
  if (value === null || !Number.isFinite(value)) return null;
  return goalIs === 'min' ? value >= goal : value <= goal;
}

/** Rounds for display and JSON: 3 significant decimals below 10, 1 decimal below 1,000, else integer. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  const abs = Math.abs(n);
  const digits = abs < 10 ? 3 : abs < 1000 ? 1 : 0;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** The env block printed at the top of a report (benchmarks.md §7.3). */
export function formatEnv(env: BenchEnv): string {
  const lines = [
    `cpu         ${env.cpu_model} × ${env.cpus}, ${env.mem_total_mb} MB, load avg at start ${env.loadavg_at_start.join(' / ')}`,
    `node        ${env.node}`,
    `postgres    ${env.postgres} (synchronous_commit=${env.synchronous_commit}, fsync=${env.fsync})`,
    `temporal    CLI ${env.temporal_cli} (${env.temporal_cli_version_output}) at ${env.temporal_address}` +
      `${env.temporal_server_started_by_this_run ? ', started by this run' : ', already running'}`,
    `            persistence: ${env.temporal_persistence}`,
    `            flags: ${env.temporal_dev_server_flags ?? '(not a local dev server)'}`,
    `packages    ${Object.entries(env.packages).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `load gen    ${env.load_generator}`,
    `calibration ${env.calibration}`,
  ];
  return lines.join('\n');
}

/** The short table of a result: one line per goal, then the baseline line. */
export function formatResultTable(result: ScenarioResult, extraRows: [string, string][]): string {
  const verdict = (met: boolean | null) => (met === null ? 'n/a' : met ? 'ok' : 'MISSED');
  const rows: string[][] = [['figure', 'value', 'goal', 'verdict']];
  for (const g of result.goals) {
    rows.push([g.name, g.value === null ? '-' : `${round(g.value)} ${g.unit}`, `${g.goal_is === 'min' ? '≥' : '≤'} ${g.goal} ${g.unit}`, verdict(g.met)]);
  }
  for (const [name, value] of extraRows) rows.push([name, value, '', '']);
  return table(rows);
}

/**
 * Writes `bench/results/<scenario>.json` (git-ignored).
 * @returns the path written.
 */
export async function writeResult(result: ScenarioResult): Promise<string> {
  const dir = join(PROJECT_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${result.scenario}.json`);
  await writeFile(path, JSON.stringify(result, null, 2) + '\n');
  return path;
}
