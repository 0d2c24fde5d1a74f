import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Instance } from '@baton/proto';
import { type BatonClients, BatonClientError } from '@baton/sdk';
import { repoRoot } from '../support/repo';

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Peak resident set size of a process in MiB (VmHWM), from /proc. */
export function peakRssMiB(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return Number.NaN;
  }
}

/** Current resident set size of a process in MiB (VmRSS). */
export function currentRssMiB(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Math.round((kb / 1024) * 10) / 10;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU time (user + system, ms) used so far by every live process of a process group, with the
 * children they have reaped (a step's processes count for step-runtime): the stack starts each
 * service and FerretDB in its own group, so this is what one part of Baton costs.
 */
export function groupCpuMs(pgid: number | undefined): number {
  if (!pgid) return Number.NaN;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) start at the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // The process ended while we looked.
    }
  }
  return (ticks * 1000) / USER_HZ;
}

/** CPU time (ms) of each service, FerretDB and Redis of a stack so far. */
export function stackCpuMs(stack: {
  services: Record<string, { pid: number | undefined }>;
  ferret?: { pid: number | undefined };
  redis?: { pid?: number | undefined };
}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, p] of Object.entries(stack.services)) out[name] = groupCpuMs(p.pid);
  if (stack.ferret) out.FerretDB = groupCpuMs(stack.ferret.pid);
  if (stack.redis?.pid) out.Redis = groupCpuMs(stack.redis.pid);
  return out;
}

/** Where the CPU between two stackCpuMs readings went, per unit of work: "scheduler 3.1 ms, ...". */
export function cpuPer(before: Record<string, number>, after: Record<string, number>, units: number): string {
  return Object.keys(after)
    .map((k) => ({ k, ms: ((after[k] ?? 0) - (before[k] ?? 0)) / units }))
    .filter((e) => e.ms > 0.05)
    .sort((a, b) => b.ms - a.ms)
    .map((e) => `${e.k} ${Math.round(e.ms * 10) / 10}`)
    .join(', ');
}

/** CPU time (ms) this process has used so far. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface Row {
  name: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
  note?: string;
}

/** Prints the rows as a table and writes them (with the machine) to bench-results/<name>.json. */
export function report(name: string, rows: Row[]): void {
  const cols = ['benchmark', 'value', 'unit', 'target', 'met', 'note'];
  const cells = rows.map((r) => [
    r.name,
    Number.isFinite(r.value) ? String(r.value) : 'n/a',
    r.unit,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    r.note ?? '',
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of cells) console.log(line(row));
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ name, time: new Date().toISOString(), node: process.version, cpus: require('node:os').cpus().length, rows }, null, 2)}\n`,
  );
  console.log(`\nwrote ${file}`);
}

/**
 * Starts a workflow and waits for its run to end; the run as it ended and the time taken. It
 * follows WatchInstance (woken by the engine's head writes), so waiting adds no load of its own.
 */
export async function runToEnd(
  c: BatonClients,
  workflowId: string,
  opts: { timeoutMs?: number } = {},
): Promise<{ inst: Instance; ms: number }> {
  const t0 = performance.now();
  const st = await c.scheduler.startWorkflow({ workflowId });
  let inst: Instance | undefined;
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 300_000);
  // The scheduler ends a watch after its deadline cap (30 s by default), and a connection may be
  // dropped under it (UNAVAILABLE): watch again until the end, as the CLI does.
  while (!signal.aborted && !(inst && TERMINAL.includes(inst.status))) {
    try {
      for await (const msg of c.scheduler.watchInstance(
        { ref: { workflowId, instanceId: st.instanceId } },
        { signal },
      )) {
        inst = msg.instance;
      }
    } catch (err) {
      if (signal.aborted || !(err instanceof BatonClientError) || err.code !== 'UNAVAILABLE') throw err;
    }
  }
  if (!inst || !TERMINAL.includes(inst.status)) throw new Error(`${workflowId}/${st.instanceId} did not end`);
  return { inst, ms: performance.now() - t0 };
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'STOPPED', 'TIMED_OUT'];
