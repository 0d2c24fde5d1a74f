#!/usr/bin/env node
// Records the decision logs the replay test checks (issue 11): runs the example, loop and chaos
// suites with SCHEDULER_RECORD_DECISIONS set, so every scheduler they start appends each call of
// decide (inputs and answer) to a file, then keeps a bounded, varied sample of whole runs and writes
// test/fixtures/decision-logs/<suite>.jsonl.gz. Run it after a change that is meant to change
// decisions (the replay test then shows the diff to review); the build must be current.
//   node scripts/record-decisions.mjs [--resample] [suite...]     suites: examples loops chaos
//   --resample: sample again from the last recordings (.tmp/decision-recordings) without running.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './compiled-files.mjs';

const SUITES = {
  examples: ['scheduler/examples.test'],
  loops: ['scheduler/loops.test'],
  chaos: ['scheduler/chaos.test', 'scheduler/shell-chaos.test', 'signal/chaos.test'],
};
/**
 * Runs kept per definition level (a loop's iterations share one), decisions kept per run, and
 * bytes of JSON kept per run (a foreach parent's snapshot can weigh 150 KB) and per suite.
 */
const RUNS_PER_DEFINITION = 10;
const DECISIONS_PER_RUN = 120;
const BYTES_PER_RUN = 320_000;
const BYTES_PER_SUITE = 8_000_000;

const resample = process.argv.includes('--resample');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const name of wanted.length ? wanted : Object.keys(SUITES)) {
  const filters = SUITES[name];
  if (!filters) throw new Error(`unknown suite ${name}; one of ${Object.keys(SUITES).join(', ')}`);
  const raw = join(root, '.tmp', 'decision-recordings', name);
  if (!resample) {
    rmSync(raw, { recursive: true, force: true });
    mkdirSync(raw, { recursive: true });
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'run-tests.mjs'), ...filters], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, SCHEDULER_RECORD_DECISIONS: raw },
    });
    if (r.status !== 0) throw new Error(`suite ${name} failed; nothing written`);
  }
  const out = sample(raw);
  const file = join(root, 'test', 'fixtures', 'decision-logs', `${name}.jsonl.gz`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, gzipSync(`${out.lines.join('\n')}\n`, { level: 9 }));
  console.log(`${name}: ${out.decisions} decisions of ${out.runs} runs (of ${out.seen} recorded) → ${file}`);
}

/**
 * Reads every process's recording; names definitions and configs per process (each test's stack
 * has its own, and ids repeat across stacks); keeps whole runs, RUNS_PER_DEFINITION per definition
 * level, in key order, so the sample does not depend on which process decided.
 */
function sample(dir) {
  const workflows = new Map();
  const configs = [];
  const byRun = new Map();
  let seen = 0;
  for (const [p, name] of readdirSync(dir).sort().entries()) {
    let config;
    for (const text of readFileSync(join(dir, name), 'utf8').split('\n')) {
      let line;
      try {
        line = JSON.parse(text);
      } catch {
        continue; // a torn last line (the process was killed) or the final newline
      }
      if (line.config) {
        configs.push(line.config);
        config = configs.length - 1;
      } else if (line.workflow) {
        workflows.set(`p${p}/${line.workflow.wf}`, line.workflow.workflow);
      } else if (line.decision) {
        seen++;
        const d = { ...line.decision, wf: `p${p}/${line.decision.wf}`, config };
        const runKey = `p${p}/${d.key}`;
        const run = byRun.get(runKey) ?? { level: `${d.wf}#${d.stepId ?? ''}`, decisions: [], bytes: 0 };
        if (
          run.decisions.length < DECISIONS_PER_RUN &&
          (run.bytes === 0 || run.bytes + text.length <= BYTES_PER_RUN)
        ) {
          run.decisions.push(d);
          run.bytes += text.length;
        }
        byRun.set(runKey, run);
      }
    }
  }
  // Round-robin over definition levels (the first run of each, then the second...), so big runs
  // of one level cannot use up the suite's budget before the other levels are in.
  const levels = new Map();
  for (const runKey of [...byRun.keys()].sort()) {
    const run = byRun.get(runKey);
    levels.set(run.level, [...(levels.get(run.level) ?? []), run]);
  }
  const kept = [];
  let bytes = 0;
  let runs = 0;
  for (let round = 0; round < RUNS_PER_DEFINITION; round++) {
    for (const list of levels.values()) {
      const run = list[round];
      if (!run || bytes + run.bytes > BYTES_PER_SUITE) continue;
      bytes += run.bytes;
      runs++;
      kept.push(...run.decisions);
    }
  }
  kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.in.seq - b.in.seq));
  const usedWf = new Set(kept.map((d) => d.wf));
  const usedConfig = new Set(kept.map((d) => d.config));
  const lines = [
    ...[...usedConfig].map((id) => JSON.stringify({ config: configs[id], id })),
    ...[...usedWf].sort().map((wf) => JSON.stringify({ workflow: { wf, workflow: workflows.get(wf) } })),
    ...kept.map((decision) => JSON.stringify({ decision })),
  ].map(withoutMachinePaths);
  return { lines, decisions: kept.length, runs, seen };
}

/**
 * The repository holds no path of the machine that recorded: suites write temp folders and the
 * checkout into scripts and params. Replaced the same way in inputs and answers, so replays match.
 */
function withoutMachinePaths(line) {
  return line.split(root.replace(/\/$/, '')).join('<repo>').split(tmpdir()).join('<tmpdir>');
}
