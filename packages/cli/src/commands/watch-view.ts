import type { Instance, StepRunSummary, WatchInstanceResponse } from '@baton/proto';
import type { OutStream } from '../cli-io';
import { recordText } from '../output/record-text';
import type { Style } from '../output/style';
import { waitingText } from './signal-format';
import { colorStatus, isFailure, isStepFinished, statusMark, TERMINAL_INSTANCE } from './step-status';

// The live view of `baton start --watch` and `baton watch`. The renderings are pure
// (an instance and a clock in, lines out); WatchPrinter decides how they reach the
// stream: redrawn in place on a terminal, as change lines in a log, or as JSON lines.

export interface FrameOptions {
  style: Style;
  /** The clock, in ms since the epoch, for the elapsed time of running things. */
  now: number;
  /** Terminal columns: longer lines are cut (a wrapped line would break the redraw). */
  width?: number;
  /** Terminal rows: with more steps than fit, the most interesting ones are shown. */
  height?: number;
  /** Block characters and marks (a terminal) or ASCII (logs). Default: true. */
  unicode?: boolean;
}

/** `0.4s`, `12.3s`, `1m05s`, `2h03m`. */
export function formatDuration(ms: number): string {
  const t = Math.max(0, ms);
  if (t < 60_000) return `${(Math.floor(t / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(t / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** `[██████░░░░░░]` (or `[######------]` in ASCII): `done` of `total`, `width` cells inside. */
export function progressBar(done: number, total: number, width = 24, unicode = true): string {
  const filled = total <= 0 ? 0 : Math.min(width, Math.floor((done / total) * width));
  const [on, off] = unicode ? ['█', '░'] : ['#', '-'];
  return `[${on.repeat(filled)}${off.repeat(width - filled)}]`;
}

/** Finished steps (any terminal state) and all steps of the run. */
export function progressOf(inst: Instance): { done: number; total: number } {
  return { done: inst.steps.filter((s) => isStepFinished(s.status)).length, total: inst.steps.length };
}

/** How long the run has taken: to its end, or to `now` while it goes on (queued: since created). */
export function elapsedOf(inst: Instance, now: number): number | undefined {
  const from = inst.startedAt ?? inst.createdAt;
  if (!from) return undefined;
  return Math.max(0, (inst.endedAt?.getTime() ?? now) - from.getTime());
}

export function instanceTitle(inst: Instance): string {
  const r = inst.ref;
  return `${r?.workflowId ?? '?'} instance ${r?.instanceId ?? '?'} run ${r?.runId ?? '?'}`;
}

function stepDuration(s: StepRunSummary, now: number): string {
  if (!s.startedAt) return '';
  return formatDuration((s.endedAt?.getTime() ?? now) - s.startedAt.getTime());
}

/** The terminal view: a title line, one line per step, the progress bar. */
export function renderFrame(inst: Instance, o: FrameOptions): string[] {
  const s = o.style;
  const unicode = o.unicode ?? true;
  const elapsed = elapsedOf(inst, o.now);
  const lines = [
    `${s.bold(instanceTitle(inst))}  ${colorStatus(inst.status, s)(inst.status)}${
      elapsed === undefined ? '' : `  ${s.dim('elapsed')} ${formatDuration(elapsed)}`
    }`,
  ];
  const maxSteps = o.height === undefined ? Number.POSITIVE_INFINITY : Math.max(1, o.height - 5);
  const { shown, hidden } = pickSteps(inst.steps, maxSteps);
  const idWidth = Math.max(0, ...shown.map((st) => st.stepId.length));
  const statusWidth = Math.max(0, ...shown.map((st) => st.status.length));
  for (const st of shown) {
    const color = colorStatus(st.status, s);
    const mark = unicode ? `${color(statusMark(st.status))} ` : '';
    const attempts = st.attempts > 1 ? s.dim(` attempt ${st.attempts}`) : '';
    const error = st.error ? `  ${s.red(oneLine(st.error))}` : '';
    const duration = stepDuration(st, o.now);
    const iterations = iterationText(st);
    const waiting = waitingText(st);
    const tail = `${duration ? `  ${s.dim(duration.padStart(6))}` : ''}${attempts}${
      iterations ? `  ${iterations}` : ''
    }${waiting ? `  ${s.magenta(waiting)}` : ''}${error}`;
    const status = tail ? color(st.status.padEnd(statusWidth)) : color(st.status);
    lines.push(`  ${mark}${st.stepId.padEnd(idWidth)}  ${status}${tail}`);
  }
  if (hidden.length > 0) lines.push(s.dim(`  … ${hidden.length} more steps: ${countText(hidden)}`));
  const { done, total } = progressOf(inst);
  const failed = inst.steps.filter((st) => isFailure(st.status)).length;
  lines.push(
    `${progressBar(done, total, 24, unicode)} ${done}/${total} steps done${failed ? `, ${s.red(`${failed} failed`)}` : ''}`,
  );
  if (inst.steps.some((st) => iterationsOf(st) !== undefined)) {
    lines.push(s.dim(`  leaf steps across nested levels: ${leafText(inst.stepCounts)}`));
  }
  if (inst.error) lines.push(`${s.red('error:')} ${oneLine(inst.error)}`);
  return o.width === undefined ? lines : lines.map((l) => truncateVisible(l, Math.max(10, o.width! - 1)));
}

/**
 * With more steps than fit, keep failed and active steps first, then the others in order;
 * the chosen ones stay in the run's order.
 */
function pickSteps(
  steps: StepRunSummary[],
  max: number,
): { shown: StepRunSummary[]; hidden: StepRunSummary[] } {
  if (steps.length <= max) return { shown: steps, hidden: [] };
  const keep = Math.max(0, max - 1); // one line says what is hidden
  const rank = (st: StepRunSummary) =>
    isFailure(st.status) ? 0 : !isStepFinished(st.status) && st.status !== 'NOT_CREATED' ? 1 : 2;
  const order = steps.map((st, i) => ({ st, i })).sort((a, b) => rank(a.st) - rank(b.st) || a.i - b.i);
  const chosen = new Set(order.slice(0, keep).map((x) => x.i));
  return {
    shown: steps.filter((_, i) => chosen.has(i)),
    hidden: steps.filter((_, i) => !chosen.has(i)),
  };
}

/** A foreach or while step's iterations: done of total, running, failed. */
export function iterationsOf(
  st: StepRunSummary,
): { done: number; total: number; running: number; failed: number; loop: boolean } | undefined {
  const c = st.iterationCounts;
  if (!c || c.total === undefined || (st.stepType !== 'FOREACH' && st.stepType !== 'WHILE')) return undefined;
  const n = (k: string) => Number(c[k] ?? 0);
  return {
    done: n('succeeded') + n('failed') + n('stopped'),
    total: n('total'),
    running: n('running'),
    failed: n('failed'),
    loop: st.stepType === 'WHILE',
  };
}

/** `812/10,000 iterations, 100 running` (a while loop has no known total: `812 iterations`). */
export function iterationText(st: StepRunSummary): string {
  const it = iterationsOf(st);
  if (!it) return '';
  const fmt = (x: number) => x.toLocaleString('en');
  const head = it.loop ? `${fmt(it.done)} iterations` : `${fmt(it.done)}/${fmt(it.total)} iterations`;
  const more = [it.running ? `${fmt(it.running)} running` : '', it.failed ? `${fmt(it.failed)} failed` : '']
    .filter(Boolean)
    .join(', ');
  return more ? `${head}, ${more}` : head;
}

/** `9,998 SUCCEEDED, 2 FAILED`. */
function leafText(counts: Record<string, string>): string {
  const parts = Object.entries(counts).map(([k, v]) => `${Number(v).toLocaleString('en')} ${k}`);
  return parts.length > 0 ? parts.join(', ') : 'none yet';
}

function countText(steps: StepRunSummary[]): string {
  const counts = new Map<string, number>();
  for (const st of steps) counts.set(st.status, (counts.get(st.status) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}

/**
 * The change lines of the log view: one per step whose state moved since `prev` (every
 * started step on the first message), and one when the run's own status changes.
 */
export function changeLines(prev: Instance | undefined, next: Instance, o: FrameOptions): string[] {
  const s = o.style;
  const before = new Map(prev?.steps.map((st) => [st.stepId, st.status]) ?? []);
  const at = `+${formatDuration(elapsedOf(next, o.now) ?? 0)}`.padStart(7);
  const idWidth = Math.max(0, ...next.steps.map((st) => st.stepId.length));
  const { done, total } = progressOf(next);
  const lines: string[] = [];
  if (!prev) {
    lines.push(
      `watching ${s.bold(instanceTitle(next))} (version ${next.workflowVersion}): ${colorStatus(
        next.status,
        s,
      )(next.status)}, ${total} steps`,
    );
  }
  for (const st of next.steps) {
    const old = before.get(st.stepId);
    if (old === st.status || (old === undefined && st.status === 'NOT_CREATED')) continue;
    const move = old === undefined ? '' : `${old} -> `;
    const error = st.error ? `  ${s.red(oneLine(st.error))}` : '';
    const waiting = waitingText(st);
    lines.push(
      `${s.dim(at)}  ${st.stepId.padEnd(idWidth)}  ${move}${colorStatus(st.status, s)(st.status)}  ${s.dim(
        `(${done}/${total} done)`,
      )}${waiting ? `  ${s.magenta(waiting)}` : ''}${error}`,
    );
  }
  if (prev && prev.status !== next.status) {
    lines.push(
      `${s.dim(at)}  ${instanceTitle(next)}: ${prev.status} -> ${colorStatus(next.status, s)(next.status)}`,
    );
  }
  return lines;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes
const ESCAPE = /(\x1b\[[0-9;?]*[A-Za-z])/;

/** Cuts a line to `width` visible columns (the last one an ellipsis), keeping ANSI escapes. */
export function truncateVisible(line: string, width: number): string {
  const parts = line.split(ESCAPE);
  const visible = parts.filter((p) => !ESCAPE.test(p)).reduce((n, p) => n + [...p].length, 0);
  if (visible <= width) return line;
  let room = Math.max(0, width - 1);
  let out = '';
  for (const part of parts) {
    if (ESCAPE.test(part)) {
      out += part;
      continue;
    }
    const chars = [...part];
    out += chars.slice(0, room).join('');
    room -= Math.min(room, chars.length);
  }
  return `${out}…${line.includes('\x1b[') ? '\x1b[0m' : ''}`;
}

export type WatchMode = 'tty' | 'plain' | 'json';

export interface WatchPrinterOptions {
  mode: WatchMode;
  /** json mode: each message as a JSON line (default) or a YAML document (-o yaml). */
  format?: 'json' | 'yaml';
  style: Style;
  now?: () => number;
  /** Terminal size, asked before each redraw (it may change). */
  size?: () => { columns?: number; rows?: number };
}

const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';

/**
 * Prints a watch stream: `update` per message, `tick` to refresh the elapsed time on a
 * terminal, `close` at the end (restores the cursor; the log view ends with the full view).
 */
export class WatchPrinter {
  private drawn = 0;
  private last: Instance | undefined;
  private cursorHidden = false;
  private readonly now: () => number;

  constructor(
    private readonly out: OutStream,
    private readonly o: WatchPrinterOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  /** The instance of the latest message. */
  get instance(): Instance | undefined {
    return this.last;
  }

  update(msg: WatchInstanceResponse): void {
    const inst = msg.instance;
    if (this.o.mode === 'json') {
      this.out.write(`${recordText(this.o.format ?? 'json', msg)}\n`);
      if (inst) this.last = inst;
      return;
    }
    if (!inst) return;
    if (this.o.mode === 'tty') {
      this.last = inst;
      this.redraw();
      return;
    }
    const lines = changeLines(this.last, inst, this.frameOptions());
    this.last = inst;
    if (lines.length > 0) this.out.write(`${lines.join('\n')}\n`);
  }

  /** Redraws the terminal view (the elapsed time moves on); nothing in the other modes. */
  tick(): void {
    if (this.o.mode === 'tty' && this.last && !TERMINAL_INSTANCE.has(this.last.status)) this.redraw();
  }

  /** Ends the view: a last redraw and the cursor back on a terminal; the full view in a log. */
  close(): void {
    if (this.o.mode === 'tty') {
      if (this.last) this.redraw();
      if (this.cursorHidden) this.out.write(CURSOR_SHOW);
      this.cursorHidden = false;
    } else if (this.o.mode === 'plain' && this.last) {
      this.out.write(`${renderFrame(this.last, { ...this.frameOptions(), unicode: false }).join('\n')}\n`);
    }
  }

  private frameOptions(): FrameOptions {
    const size = this.o.size?.() ?? {};
    return { style: this.o.style, now: this.now(), width: size.columns, height: size.rows };
  }

  private redraw(): void {
    if (!this.last) return;
    const lines = renderFrame(this.last, this.frameOptions());
    // Up to the first line of the previous frame, clear to the end of the screen, draw anew:
    // one write, so the terminal never shows half a frame.
    let text = this.cursorHidden ? '' : CURSOR_HIDE;
    this.cursorHidden = true;
    if (this.drawn > 0) text += `\x1b[${this.drawn}A\r\x1b[J`;
    text += `${lines.join('\n')}\n`;
    this.drawn = lines.length;
    this.out.write(text);
  }
}
