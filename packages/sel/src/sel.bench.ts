/**
 * SEL benchmark: evaluations/s for a cached simple expression, a DateTime/zone expression and a
 * 20-line script, plus the 100,000-case fuzz run. Prints a table and writes
 * bench-results/sel.json (under the repository root). Run: node packages/sel/dist/sel.bench.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createParamHost, evaluate } from './index';
import { runFuzz } from './fuzz';

const host = createParamHost({ params: { x: 10, startDateInt: 20240301, names: ['a', 'b', 'c', 'd'] } });

const SIMPLE = 'x > 5';
const DATE =
  "new DateTime(1710000000000L).withZone(DateTimeZone.forID('America/Los_Angeles')).plusDays(1).toString('yyyy-MM-dd HH:mm')";
const SCRIPT = `int total = 0;
long big = 9007199254740993L;
String out = "";
for (int i = 0; i < names.length; i++) {
  if (i % 2 == 0) {
    out += names[i].toUpperCase();
  } else {
    out += names[i];
  }
  total += i * 3;
}
Map m = new HashMap();
m.put("total", total);
m.put("out", out);
double avg = total / 4.0;
if (avg > 2 && out.length() == 4) {
  big = big + total;
}
String day = Util.incrementDateInt(startDateInt, total);
return out + "-" + m.get("total") + "-" + big + "-" + day;`;

function measure(src: string, minMs: number): number {
  for (let i = 0; i < 2000; i++) evaluate(src, host);
  let n = 0;
  const t0 = performance.now();
  let el = 0;
  while (el < minMs) {
    for (let i = 0; i < 500; i++) evaluate(src, host);
    n += 500;
    el = performance.now() - t0;
  }
  return Math.round((n / el) * 1000);
}

const rows = [
  { name: 'simple: x > 5 (cached)', opsPerSec: measure(SIMPLE, 1500), target: 200_000 },
  { name: 'date: DateTime + zone + format', opsPerSec: measure(DATE, 1500), target: 20_000 },
  { name: '20-line script', opsPerSec: measure(SCRIPT, 1500), target: 0 },
];

const t0 = performance.now();
const fuzz = runFuzz(1337, 100_000);
const fuzzMs = Math.round(performance.now() - t0);

console.log('name                                ops/s        target     met?');
for (const r of rows) {
  const met = r.target === 0 ? 'n/a' : r.opsPerSec >= r.target ? 'yes' : 'NO';
  console.log(
    `${r.name.padEnd(34)} ${String(r.opsPerSec).padStart(10)} ${String(r.target || '-').padStart(10)}     ${met}`,
  );
}
console.log(
  `fuzz: ${fuzz.cases} cases in ${fuzzMs} ms, ok ${fuzz.ok}, SelError ${fuzz.selErrors}, crashes ${fuzz.crashes.length}, slowest ${fuzz.maxMs.toFixed(1)} ms`,
);

const outDir = join(__dirname, '..', '..', '..', '..', 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'sel.json'),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      results: rows.map((r) => ({ ...r, met: r.target === 0 ? null : r.opsPerSec >= r.target })),
      fuzz: { ...fuzz, ms: fuzzMs },
    },
    null,
    2,
  )}\n`,
);
if (fuzz.crashes.length > 0) process.exitCode = 1;
