// The cost of confining user code: `bash -c true` spawned by node one after another, bare, through
// util-linux's unshare → sh → prlimit → setpriv chain, and through baton-isolate (one exec).
// Needs root; baton-isolate from STEP_ISOLATE_BIN or .baton/bin (scripts/install-tools.sh).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/repo';
import { type Row, report } from './bench-kit';
import { isolationFloors } from './bench-floors';

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('isolation bench: skipped (needs root)');
    return;
  }
  const fromEnv = process.env.STEP_ISOLATE_BIN;
  const built = join(repoRoot, '.baton', 'bin', 'baton-isolate');
  const bin = fromEnv && fromEnv !== 'none' ? fromEnv : existsSync(built) ? built : undefined;
  const floors = await isolationFloors(bin, Number(process.env.BENCH_ISOLATION_N ?? 100));
  const bare = floors.bare.meanMs;
  const rows: Row[] = Object.entries(floors).flatMap(([name, f]) => [
    {
      name: `bash -c true, ${name}: mean`,
      value: Math.round(f.meanMs * 10) / 10,
      unit: 'ms',
      note: name === 'bare' ? 'no confinement' : `+${(f.meanMs - bare).toFixed(1)} ms over bare`,
    },
    { name: `bash -c true, ${name}: median`, value: Math.round(f.medianMs * 10) / 10, unit: 'ms' },
  ]);
  report('isolation', rows);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
