import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DecideContext,
  type Decision,
  type InstanceEvent,
  type InstanceSnapshot,
  type JsonValue,
  decide,
} from '../domain';
import type { RunHead } from '../store/documents';

/**
 * One recorded call of decide: everything it was given and what it answered. A replay (see
 * `replayDecision`) calls decide again with the same inputs and compares, as Temporal replays
 * recorded histories: a change of the engine that changes a decision shows as a diff.
 */
export interface RecordedDecision {
  key: string;
  /** `<workflowId>@<version>` of the definition the decision ran against (see RecordedWorkflow). */
  wf: string;
  /** For a foreach/while iteration: the loop step whose nested steps are this run's level. */
  stepId?: string;
  ancestors?: string[];
  stepConcurrency?: number;
  /** The workflow's breakpoints when it had some (with the pinned version they may name). */
  breakpoints?: DecideContext['breakpoints'];
  version?: number;
  now: number;
  in: InstanceSnapshot;
  events: InstanceEvent[];
  /** The answers `params.getFromForeach` got, by `step|inner|param` (null: unknown). */
  foreach?: Record<string, JsonValue[] | null>;
  out: Pick<Decision, 'snapshot' | 'actions' | 'timeline'>;
}

/** A definition as decide saw it, once per file. */
export interface RecordedWorkflow {
  wf: string;
  workflow: DecideContext['workflow'];
}

/** One line of a recording: a definition, the engine config, or a decision. */
export type RecordingLine =
  | { workflow: RecordedWorkflow }
  | { config: NonNullable<DecideContext['config']> }
  | { decision: RecordedDecision };

/** Which definition (and level of it) a run's decisions run against. */
export function definitionOf(head: RunHead): Pick<RecordedDecision, 'wf' | 'stepId'> {
  const run = head.run;
  if (run.kind === 'workflow') return { wf: `${head.workflow_id}@${head.workflow_version}` };
  const wf = `${run.workflowId}@${run.version}`;
  return run.kind === 'foreach' ? { wf, stepId: run.stepId } : { wf };
}

/**
 * Calls decide; with SCHEDULER_RECORD_DECISIONS set, also appends each call to a JSON-lines file
 * in that folder (one per process, synchronous appends: a kill -9 loses at most a torn last line,
 * which readers skip). Off in production; the decision-log replay tests are made from recordings
 * of the example, loop and chaos suites (scripts/record-decisions.mjs).
 */
export class Decider {
  private readonly file?: string;
  private readonly written = new Set<string>();
  private configWritten = false;

  constructor(dir?: string) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `decisions-${process.pid}.jsonl`);
  }

  decide(
    head: RunHead,
    snapshot: InstanceSnapshot,
    events: InstanceEvent[],
    now: number,
    ctx: DecideContext,
  ): Decision {
    if (!this.file) return decide(snapshot, events, now, ctx);
    const answers: Record<string, JsonValue[] | null> = {};
    const hook = ctx.foreachValues;
    const recordingCtx: DecideContext = hook
      ? {
          ...ctx,
          foreachValues: (step, inner, param) => {
            const v = hook(step, inner, param);
            answers[`${step}|${inner}|${param}`] = v ?? null;
            return v;
          },
        }
      : ctx;
    // The input as text first: decide must not see (or be seen to change) the recorded input.
    const input = JSON.stringify(snapshot);
    const eventsText = JSON.stringify(events);
    const result = decide(snapshot, events, now, recordingCtx);
    const def = definitionOf(head);
    const lines: string[] = [];
    if (!this.configWritten && ctx.config) {
      lines.push(JSON.stringify({ config: ctx.config }));
      this.configWritten = true;
    }
    if (!this.written.has(def.wf)) {
      lines.push(JSON.stringify({ workflow: { wf: def.wf, workflow: ctx.workflow } }));
      this.written.add(def.wf);
    }
    const decision = {
      key: head._id,
      ...def,
      ...(ctx.ancestors ? { ancestors: ctx.ancestors } : {}),
      ...(ctx.stepConcurrency !== undefined ? { stepConcurrency: ctx.stepConcurrency } : {}),
      ...(ctx.breakpoints ? { breakpoints: ctx.breakpoints, version: ctx.version } : {}),
      now,
      ...(hook ? { foreach: answers } : {}),
      out: { snapshot: result.snapshot, actions: result.actions, timeline: result.timeline },
    };
    // Spliced as text so the input is the one decide was given, before any change it made.
    const text = JSON.stringify({ decision });
    lines.push(`${text.slice(0, -2)},"in":${input},"events":${eventsText}}}`);
    appendFileSync(this.file, `${lines.join('\n')}\n`);
    return result;
  }
}
