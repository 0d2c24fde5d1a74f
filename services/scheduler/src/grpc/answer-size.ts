import { Instance, ParamValue, StepRun, StepRunSummary } from '@baton/proto';

/**
 * Keeps the scheduler's answers under gRPC's message limit (4 MiB, kit/grpc-server). A run may
 * legally hold far more than that: a step's outputs go up to 1 MiB each, so five steps with
 * 0.9 MB outputs made GetInstance fail with "Sent message larger than max". Values are left out
 * and named instead (`omitted_params`, `omitted_outputs`), never cut: a value is either whole or
 * absent, so nobody reads half a JSON document as if it were all of it.
 */

/** Room under the 4 MiB limit for the answer's envelope, trailers and a stream's other fields. */
export const ANSWER_BUDGET_BYTES = 3.5 * 1024 * 1024;

/**
 * In views of many values (an instance, a page of instances or step runs, a watch), a value
 * bigger than this is named rather than sent: GetStepRun has it whole. This keeps a run's page
 * in the CLI or console small whatever its steps wrote.
 */
export const INLINE_VALUE_BYTES = 64 * 1024;

type Params = Record<string, ParamValue>;

/** One map of values in a message, and the list that names what was taken out of it. */
interface Slot {
  map: Params;
  omitted: string[];
}

/** Bytes a map entry takes on the wire: the value, the key, and the entry's own tags and lengths. */
function entryBytes(key: string, value: ParamValue): number {
  return ParamValue.encode(value).finish().length + Buffer.byteLength(key) + 12;
}

interface Entry {
  slot: Slot;
  key: string;
  bytes: number;
}

/** Every value of the slots with its size, each encoded once. */
function entriesOf(slots: Slot[]): { entries: Entry[]; total: number; largest: number } {
  const entries: Entry[] = [];
  let total = 0;
  let largest = 0;
  for (const slot of slots)
    for (const [key, value] of Object.entries(slot.map)) {
      const bytes = entryBytes(key, value);
      entries.push({ slot, key, bytes });
      total += bytes;
      largest = Math.max(largest, bytes);
    }
  return { entries, total, largest };
}

function omit(e: Entry): void {
  delete e.slot.map[e.key];
  e.slot.omitted.push(e.key);
}

/**
 * Takes values out: every one over `perValue`, then the largest ones until the message
 * (`total` bytes as it stands) fits `budget`.
 */
function fit(entries: Entry[], total: number, perValue: number, budget: number): void {
  const kept: Entry[] = [];
  for (const e of entries) {
    if (e.bytes > perValue) {
      omit(e);
      total -= e.bytes;
    } else kept.push(e);
  }
  if (total <= budget) return;
  kept.sort((a, b) => b.bytes - a.bytes);
  for (const e of kept) {
    if (total <= budget) break;
    omit(e);
    total -= e.bytes;
  }
}

function instanceSlots(inst: Instance): Slot[] {
  return [
    { map: inst.params, omitted: inst.omittedParams },
    ...inst.steps.map((s) => ({ map: s.outputs, omitted: s.omittedOutputs })),
  ];
}

/**
 * An instance as GetInstance, ListInstances and WatchInstance send it: values over
 * INLINE_VALUE_BYTES named instead, then the largest until it fits `budget`.
 */
export function fitInstance(inst: Instance, budget = ANSWER_BUDGET_BYTES): void {
  const v = entriesOf(instanceSlots(inst));
  // Small values and few of them: nothing to leave out, and no need to measure the whole message
  // (the rest of an instance, its steps and timeline, is far under budget).
  if (v.largest <= INLINE_VALUE_BYTES && v.total < budget / 4) return;
  fit(v.entries, Instance.encode(inst).finish().length, INLINE_VALUE_BYTES, budget);
}

/** A step run as GetStepRun sends it: every value whole, unless together they would not fit. */
export function fitStepRun(run: StepRun, budget = ANSWER_BUDGET_BYTES): void {
  const slots: Slot[] = [{ map: run.params, omitted: run.omittedParams }];
  if (run.summary) slots.push({ map: run.summary.outputs, omitted: run.summary.omittedOutputs });
  const v = entriesOf(slots);
  if (v.total < budget / 4) return;
  fit(v.entries, StepRun.encode(run).finish().length, Number.POSITIVE_INFINITY, budget);
}

/** A step summary as ListStepRuns sends it (as in an instance). Returns its size, for paging. */
export function fitStepSummary(s: StepRunSummary, budget = ANSWER_BUDGET_BYTES): number {
  const v = entriesOf([{ map: s.outputs, omitted: s.omittedOutputs }]);
  if (v.largest > INLINE_VALUE_BYTES || v.total >= budget / 4)
    fit(v.entries, StepRunSummary.encode(s).finish().length, INLINE_VALUE_BYTES, budget);
  return StepRunSummary.encode(s).finish().length;
}

/** An instance's size as sent, for paging (after fitInstance). */
export function instanceBytes(inst: Instance): number {
  return Instance.encode(inst).finish().length;
}

/**
 * How many of a page's items to send: items in order while their sizes add up to the budget,
 * and always the first (each item was fitted to the budget on its own).
 */
export function pageThatFits(sizes: readonly number[], budget = ANSWER_BUDGET_BYTES): number {
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    total += sizes[i]! + 8;
    if (total > budget && i > 0) return i;
  }
  return sizes.length;
}
