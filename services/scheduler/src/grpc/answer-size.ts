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

/**
 * Takes values out of the slots: every one over `perValue`, then the largest ones until the
 * message (`total` bytes as it stands) fits `budget`. Returns the message's size afterwards.
 */
function fit(slots: Slot[], total: number, perValue: number, budget: number): number {
  const kept: { slot: Slot; key: string; bytes: number }[] = [];
  for (const slot of slots) {
    for (const [key, value] of Object.entries(slot.map)) {
      const bytes = entryBytes(key, value);
      if (bytes > perValue) {
        delete slot.map[key];
        slot.omitted.push(key);
        total -= bytes;
      } else kept.push({ slot, key, bytes });
    }
  }
  if (total <= budget) return total;
  kept.sort((a, b) => b.bytes - a.bytes);
  for (const e of kept) {
    if (total <= budget) break;
    delete e.slot.map[e.key];
    e.slot.omitted.push(e.key);
    total -= e.bytes;
  }
  return total;
}

/** Sum of the values' sizes: when it is small the whole message needs no measuring. */
function valueBytes(slots: Slot[]): { total: number; largest: number } {
  let total = 0;
  let largest = 0;
  for (const slot of slots)
    for (const [key, value] of Object.entries(slot.map)) {
      const b = entryBytes(key, value);
      total += b;
      largest = Math.max(largest, b);
    }
  return { total, largest };
}

function instanceSlots(inst: Instance): Slot[] {
  return [
    { map: inst.params, omitted: inst.omittedParams },
    ...inst.steps.map((s) => ({ map: s.outputs, omitted: s.omittedOutputs })),
  ];
}

/**
 * An instance as GetInstance, ListInstances and WatchInstance send it: values over
 * INLINE_VALUE_BYTES named instead, then the largest until it fits `budget`. Returns its size.
 */
export function fitInstance(inst: Instance, budget = ANSWER_BUDGET_BYTES): number {
  const slots = instanceSlots(inst);
  const v = valueBytes(slots);
  // Small values and few of them: the rest of an instance (steps, timeline) is far under budget.
  if (v.largest <= INLINE_VALUE_BYTES && v.total < budget / 4) return Instance.encode(inst).finish().length;
  return fit(slots, Instance.encode(inst).finish().length, INLINE_VALUE_BYTES, budget);
}

/** A step run as GetStepRun sends it: every value whole, unless together they would not fit. */
export function fitStepRun(run: StepRun, budget = ANSWER_BUDGET_BYTES): void {
  const slots: Slot[] = [{ map: run.params, omitted: run.omittedParams }];
  if (run.summary) slots.push({ map: run.summary.outputs, omitted: run.summary.omittedOutputs });
  if (valueBytes(slots).total < budget / 4) return;
  fit(slots, StepRun.encode(run).finish().length, Number.POSITIVE_INFINITY, budget);
}

/** A step summary as ListStepRuns sends it (as in an instance). Returns its size. */
export function fitStepSummary(s: StepRunSummary, budget = ANSWER_BUDGET_BYTES): number {
  const slot = { map: s.outputs, omitted: s.omittedOutputs };
  return fit([slot], StepRunSummary.encode(s).finish().length, INLINE_VALUE_BYTES, budget);
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
