import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { RecordedDecision } from '../src/app/decision-recorder';
import { nestedSteps } from '../src/app/run-context';
import { type DecideContext, type EngineConfig, decide } from '../src/domain';

/** A recording as scripts/record-decisions.mjs writes it (definitions and configs named per process). */
export interface Recording {
  decisions: (RecordedDecision & { config: number })[];
  workflows: Map<string, DecideContext['workflow']>;
  configs: Map<number, EngineConfig>;
}

/** Where a replay's answer differs from the recorded one: the first differing JSON path. */
export interface ReplayDiff {
  key: string;
  seq: number;
  path: string;
  recorded: unknown;
  replayed: unknown;
}

/** test/fixtures/decision-logs of this repository (found walking up from here). */
export function decisionLogsDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'decision-logs');
    if (existsSync(candidate)) return candidate;
    if (dir === dirname(dir)) throw new Error(`test/fixtures/decision-logs not found above ${__dirname}`);
  }
}

export function readRecording(file: string): Recording {
  const rec: Recording = { decisions: [], workflows: new Map(), configs: new Map() };
  for (const text of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
    if (!text) continue;
    const line = JSON.parse(text);
    if (line.config) rec.configs.set(line.id, line.config);
    else if (line.workflow) rec.workflows.set(line.workflow.wf, line.workflow.workflow);
    else if (line.decision) rec.decisions.push(line.decision);
  }
  return rec;
}

/**
 * Calls decide with each recorded decision's inputs and compares its answer (as JSON, the way the
 * engine stores it) with the recorded one. Contexts are built once per definition level, so decide's
 * plan cache behaves as in the engine.
 */
export function replay(rec: Recording): ReplayDiff[] {
  const levels = new Map<string, DecideContext>();
  const diffs: ReplayDiff[] = [];
  for (const d of rec.decisions) {
    const levelKey = `${d.wf}#${d.stepId ?? ''}#${d.config}`;
    let level = levels.get(levelKey);
    if (!level) {
      const workflow = rec.workflows.get(d.wf);
      if (!workflow) throw new Error(`recording has no definition ${d.wf}`);
      const steps = d.stepId ? nestedSteps(workflow.steps, d.stepId) : undefined;
      if (d.stepId && !steps) throw new Error(`${d.wf} has no nested steps under ${d.stepId}`);
      level = { workflow, ...(steps ? { steps } : {}), config: rec.configs.get(d.config) };
      levels.set(levelKey, level);
    }
    const answers = d.foreach;
    const ctx: DecideContext = {
      ...level,
      ...(d.ancestors ? { ancestors: d.ancestors } : {}),
      ...(d.stepConcurrency !== undefined ? { stepConcurrency: d.stepConcurrency } : {}),
      ...(d.breakpoints ? { breakpoints: d.breakpoints, version: d.version } : {}),
      ...(answers
        ? { foreachValues: (step, inner, param) => answers[`${step}|${inner}|${param}`] ?? undefined }
        : {}),
    };
    const result = decide(d.in, d.events, d.now, ctx);
    const replayed = JSON.parse(
      JSON.stringify({ snapshot: result.snapshot, actions: result.actions, timeline: result.timeline }),
    );
    const diff = firstDiff(d.out, replayed, '');
    if (diff) diffs.push({ key: d.key, seq: d.in.seq + 1, ...diff });
  }
  return diffs;
}

function firstDiff(a: unknown, b: unknown, path: string): Omit<ReplayDiff, 'key' | 'seq'> | undefined {
  if (a === b) return undefined;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return { path: path || '.', recorded: a, replayed: b };
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const diff = firstDiff(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
    );
    if (diff) return diff;
  }
  return undefined;
}
