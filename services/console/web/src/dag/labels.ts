// The text on a step's box and in its tooltip. Pure.
import type { DagStep } from './definition';
import { countsByGroup } from './status';

const fmt = new Intl.NumberFormat('en');

function plural(n: number, one: string): string {
  return `${fmt.format(n)} ${one}${n === 1 ? '' : 's'}`;
}

/** The second line of a step's box: what kind of step it is, or how far its loop got. */
export function subtitle(step: DagStep, status?: string, counts?: Record<string, string | number>): string {
  const c = countsByGroup(counts);
  switch (step.kind) {
    case 'foreach':
    case 'while': {
      if (c.total > 0) {
        const ok = c.groups.find(([g]) => g === 'ok')?.[1] ?? 0;
        return `${step.kind} · ${fmt.format(ok)}/${plural(c.total, 'iteration')} ok`;
      }
      const what =
        step.kind === 'while' && step.condition
          ? `while ${step.condition}`
          : step.loopVars?.length
            ? `foreach ${step.loopVars.join(', ')}`
            : step.kind;
      return `${what} · ${plural(step.nestedCount, 'step')}`;
    }
    case 'subworkflow':
      return step.subworkflowId ? `subworkflow → ${step.subworkflowId}` : 'subworkflow';
    case 'template':
      return `template ${step.type}`;
    default: {
      const parts = [step.type];
      if (status) parts.push(status);
      else {
        if (step.signalsIn.length) parts.push(`waits ${plural(step.signalsIn.length, 'signal')}`);
        if (step.signalsOut.length) parts.push(`emits ${plural(step.signalsOut.length, 'signal')}`);
      }
      return parts.join(' · ');
    }
  }
}

/** Everything about a step, one fact a line: the box's tooltip. */
export function tooltip(step: DagStep, status?: string, counts?: Record<string, string | number>): string {
  const lines = [`${step.path} (${step.kind === 'step' ? step.type : step.kind})`];
  if (step.name) lines.push(step.name);
  if (status) lines.push(`status: ${status}`);
  const entries = Object.entries(counts ?? {}).filter(([, n]) => Number(n) > 0);
  if (entries.length) lines.push(`iterations: ${entries.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (step.kind === 'while' && step.condition) lines.push(`while: ${step.condition}`);
  if (step.loopVars?.length) lines.push(`loop over: ${step.loopVars.join(', ')}`);
  if (step.steps) lines.push(`${plural(step.nestedCount, 'nested step')}`);
  if (step.subworkflowId) lines.push(`starts: ${step.subworkflowId}`);
  if (step.signalsIn.length) lines.push(`waits for signals: ${step.signalsIn.join(', ')}`);
  if (step.signalsOut.length) lines.push(`emits signals: ${step.signalsOut.join(', ')}`);
  return lines.join('\n');
}
