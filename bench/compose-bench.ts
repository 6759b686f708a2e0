/**
 * S7 (benchmarks.md): segment counting and template rendering per core, against a plain
 * `string.length` loop and a plain `String.replace` render in the same process and run.
 *
 * Corpus: GSM-7, GSM-7 with extension characters and UCS-2/emoji texts at 1, 2 and 3+ segments.
 * Figures: (a) measureSegments calls/s over the corpus, (b) TemplateRenderer.render/s with the parsed
 * template cached (5 variables), (c) cold parse+render/s (a fresh template text each time), each on
 * this one thread, i.e. per core. CPU only: no database, Temporal or network.
 *
 * @module
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { TemplateRenderer } from '../src/activities/template-renderer.js';
import { measureSegments } from '../src/domain/segments.js';
import type { Config } from '../src/config.js';
import { formatResultTable, meets, round, writeResult } from './bench-report.js';
import type { ScenarioResult } from './bench-report.js';

/** What S7 needs from the runner (a subset of the campaign scenario's context). */
export interface ComposeScenarioContext {
  config: Config;
  log: (line: string) => void;
}

const SEGMENT_GOAL = 100_000;
const RENDER_GOAL = 50_000;

/** The mixed corpus: 3 encodings × 1, 2 and 3+ segments, 4 texts each, deterministic. */
export function composeCorpus(): string[] {
  const gsm = 'Hi Ana, your order 4821 ships today. Reply STOP to opt out. ';
  const ext = 'Sale {50%} off [today] only ~ use code ^SPRING| for €5! ';
  const ucs = 'Привет Ана! Ваш заказ 4821 отправлен 📦 Ответьте STOP. ';
  const corpus: string[] = [];
  for (const base of [gsm, ext, ucs]) {
    const unit = base.length;
    for (const target of [unit < 70 ? 60 : 120, 280, 600]) {
      for (let k = 0; k < 4; k += 1) corpus.push(base.repeat(Math.ceil((target + k * 7) / unit)).slice(0, target + k * 7));
    }
  }
  return corpus;
}

/** Runs `fn(i)` for about `ms` of wall time in chunks; answers calls per second. */
function rate(ms: number, chunk: number, fn: (i: number) => void): number {
  for (let i = 0; i < chunk; i += 1) fn(i); // warm-up
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < chunk; i += 1) fn(calls + i);
    calls += chunk;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

/** Median of three runs of {@link rate} (benchmarks.md §7.3), with min and max. */
function median3(ms: number, chunk: number, fn: (i: number) => void): { median: number; min: number; max: number } {
  const runs = [rate(ms, chunk, fn), rate(ms, chunk, fn), rate(ms, chunk, fn)].sort((a, b) => a - b);
  return { median: runs[1]!, min: runs[0]!, max: runs[2]! };
}

/** Runs S7, prints its table and writes bench/results/compose.json. */
export async function runComposeScenario(ctx: ComposeScenarioContext): Promise<ScenarioResult> {
  const loadavg = os.loadavg();
  const corpus = composeCorpus();
  let sink = 0;
  ctx.log(`S7 compose: ${corpus.length} texts; 3 runs of 1 s per figure on one thread`);

  const lengthLoop = median3(1000, 1000, (i) => {
    sink += corpus[i % corpus.length]!.length;
  });
  const segments = median3(1000, 1000, (i) => {
    sink += measureSegments(corpus[i % corpus.length]!).segments;
  });

  const body = 'Hi {{ first_name }}, your {{ tier }} offer: {{ campaign.offer }} until {{ until }}. Code {{ code }}. Reply STOP to opt out.';
  const scopes = Array.from({ length: 64 }, (_, i) => ({
    first_name: `Name${i}`,
    tier: i % 2 ? 'gold' : 'silver',
    until: 'Sunday',
    code: `SPRING${i}`,
    campaign: { offer: '20% off' },
  }));
  const plain = 'Hi {first_name}, your {tier} offer: {offer} until {until}. Code {code}. Reply STOP to opt out.';
  const replaceLoop = median3(1000, 500, (i) => {
    const s = scopes[i % scopes.length]!;
    sink += plain
      .replace('{first_name}', s.first_name)
      .replace('{tier}', s.tier)
      .replace('{offer}', s.campaign.offer)
      .replace('{until}', s.until)
      .replace('{code}', s.code).length;
  });
  const renderer = new TemplateRenderer();
  renderer.compile(body);
  const cached = median3(1000, 500, (i) => {
    const out = renderer.render(body, scopes[i % scopes.length]!);
    if (!out.ok) throw new Error(out.detail);
    sink += out.text.length;
  });
  // The same message through liquidjs' general renderer: filters with arguments (default, truncate)
  // are not on the plain-template path (only upcase/downcase/capitalize are).
  const filtered = 'Hi {{ first_name | default: "there" }}, your {{ tier | upcase }} offer: {{ campaign.offer | truncate: 40 }} until {{ until }}. Code {{ code }}. Reply STOP to opt out.';
  renderer.compile(filtered);
  const cachedLiquid = median3(1000, 500, (i) => {
    const out = renderer.render(filtered, scopes[i % scopes.length]!);
    if (!out.ok) throw new Error(out.detail);
    sink += out.text.length;
  });
  const coldRenderer = new TemplateRenderer();
  const cold = median3(1000, 50, (i) => {
    // A distinct text each call, so nothing is served from the parse cache.
    const out = coldRenderer.render(`${body} #${i}`, scopes[i % scopes.length]!);
    sink += out.ok ? out.text.length : 0;
  });
  if (sink === 42) ctx.log('(sink)');

  const env = {
    cpu_model: os.cpus()[0]?.model ?? '?',
    cpus: os.cpus().length,
    mem_total_mb: Math.round(os.totalmem() / 1_048_576),
    loadavg_at_start: loadavg.map((l) => Math.round(l * 100) / 100),
    node: process.version,
    postgres: 'n/a (CPU-only scenario)',
    synchronous_commit: 'n/a',
    fsync: 'n/a',
    temporal_cli: 'n/a',
    temporal_cli_version_output: 'n/a',
    temporal_address: 'n/a',
    temporal_dev_server_flags: null,
    temporal_persistence: 'n/a',
    temporal_server_started_by_this_run: false,
    packages: {},
    load_generator: 'in-process loop, one thread',
    calibration: `C5 string.length loop ${round(lengthLoop.median)}/s, replace loop ${round(replaceLoop.median)}/s`,
  };
  const result: ScenarioResult = {
    scenario: 'compose',
    value: round(segments.median),
    unit: 'segment counts/s/core',
    goal: SEGMENT_GOAL,
    goal_is: 'min',
    baseline: { name: 'string.length loop', value: round(lengthLoop.median), unit: 'texts/s' },
    ratio: round(segments.median / lengthLoop.median),
    goals: [
      { name: 'segment counts/s/core (mixed corpus)', value: round(segments.median), unit: '/s', goal: SEGMENT_GOAL, goal_is: 'min', met: meets(segments.median, SEGMENT_GOAL, 'min') },
      { name: 'cached renders/s/core (5 variables)', value: round(cached.median), unit: '/s', goal: RENDER_GOAL, goal_is: 'min', met: meets(cached.median, RENDER_GOAL, 'min') },
      { name: 'cached renders/s/core (default/truncate, liquidjs)', value: round(cachedLiquid.median), unit: '/s', goal: RENDER_GOAL, goal_is: 'min', met: meets(cachedLiquid.median, RENDER_GOAL, 'min') },
    ],
    figures: {
      segment_counts_per_s: { median: round(segments.median), min: round(segments.min), max: round(segments.max) },
      cached_renders_per_s: { median: round(cached.median), min: round(cached.min), max: round(cached.max) },
      cached_liquidjs_renders_per_s: { median: round(cachedLiquid.median), min: round(cachedLiquid.min), max: round(cachedLiquid.max) },
      cold_parse_render_per_s: { median: round(cold.median), min: round(cold.min), max: round(cold.max) },
      baseline_length_loop_per_s: round(lengthLoop.median),
      baseline_replace_per_s: round(replaceLoop.median),
      cached_render_vs_replace: round(cached.median / replaceLoop.median),
      corpus_texts: corpus.length,
    },
    notes: [
      'Per core: one thread, medians of 3 runs of 1 s (min/max in figures). Others may share the machine: see loadavg_at_start.',
      'Plain templates ({{ a.b }} outputs, upcase/downcase/capitalize) render by concatenation; other filters and tags go through liquidjs (second render figure).',
      'Cold parse is never on the per-recipient path: TemplateRenderer caches parsed templates per text, prepareBatch keeps one per worker.',
    ],
    env,
  };
  console.log(`\ncpu ${env.cpu_model} × ${env.cpus}, node ${env.node}, load avg at start ${env.loadavg_at_start.join(' / ')}`);
  console.log(
    '\n' +
      formatResultTable(result, [
        ['baseline string.length loop', `${round(lengthLoop.median)} /s`],
        ['baseline string replace (5 vars)', `${round(replaceLoop.median)} /s`],
        ['cold parse + render', `${round(cold.median)} /s`],
      ]),
  );
  console.log(`\nwrote ${await writeResult(result)}`);
  return result;
}
