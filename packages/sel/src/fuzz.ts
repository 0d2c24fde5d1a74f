import { SelError } from './errors';
import { evaluate } from './evaluate';
import { createParamHost } from './simple-host';
import { validate } from './validator';

/** Deterministic PRNG (mulberry32) so every fuzz run is reproducible from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CORPUS: readonly string[] = [
  'x > 5',
  'int x = 0; while(x<10) x+=3; return x;',
  'for(x=0; x<10; x+=1) {x+=10; continue; x+=10;} return x;',
  "String.join(',', 'a', 'b') + String.valueOf(12).length()",
  "DateTime d = new DateTime(0L).withZone(DateTimeZone.forID('US/Pacific')); d.plusDays(3).toString('yyyyMMdd')",
  'Util.dateIntsBetween(20200226, 20200303, 1)',
  'Map m = new HashMap(); m.put("k", 1); m.get("k") + 1',
  'int[] a = new int[]{1,2,3}; int s = 0; for (int i = 0; i < a.length; i++) s += a[i]; s',
  "'a,b,c'.split(',')[1].toUpperCase()",
  "params.get('s') + params['x'] * 2L",
  'long l = 9007199254740993L; l * 3 / 2 % 7',
  "if (x > 1) { return 'big'; } else if (x < 0) { return 'neg'; } else { throw 'bad'; }",
  'Math.max(1, Math.pow(2, 10)) + Math.min(3L, 4)',
  "String.format('%s-%05d', 'q', 42)",
  'Util.incrementDateInt(20240228, 2) + Util.tsToDateInt(0L)',
];

const VOCAB = [
  'x',
  'y',
  'i',
  'params',
  'Math',
  'String',
  'DateTime',
  'Util',
  'new',
  'int',
  'long',
  'String',
  'Map',
  'for',
  'while',
  'if',
  'else',
  'return',
  'throw',
  'break',
  'continue',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ';',
  ',',
  '.',
  '=',
  '+=',
  '++',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '==',
  '&&',
  '||',
  '!',
  '?',
  ':',
  '1',
  '0',
  '2147483647',
  '9223372036854775807L',
  '1.5',
  "'a'",
  '"b"',
  'true',
  'null',
  'length',
  'get',
  'put',
  'split',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'valueOf',
  'eval',
  'Function',
  'process',
  'globalThis',
  'repeat',
  '(a+)+$',
  "'%999999s'",
  'format',
];

/** Either a random token soup or a mutation of a corpus program. */
export function genProgram(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  if (r() < 0.4) {
    const n = 1 + Math.floor(r() * 30);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(pick(VOCAB));
    return out.join(r() < 0.5 ? ' ' : '');
  }
  let s = pick(CORPUS);
  const edits = 1 + Math.floor(r() * 4);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.25) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 4));
    else if (op < 0.5) s = s.slice(0, at) + pick(VOCAB) + s.slice(at);
    else if (op < 0.65)
      s = s.slice(0, at) + s.slice(at, at + 12).repeat(1 + Math.floor(r() * 3)) + s.slice(at);
    else if (op < 0.8) s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + s.slice(at);
    else
      s =
        s.slice(0, at) +
        pick(['while(true){}', 'for(;;) x+=1;', 's += s;', "'x'.repeat(99999)", 'new int[99999]']) +
        s.slice(at);
  }
  return s;
}

export const FUZZ_LIMITS = {
  maxSteps: 20_000,
  timeoutMs: 250,
  maxLoopIterations: 2_000,
  maxArraySize: 2_000,
  maxStringLength: 20_000,
};

export interface FuzzStats {
  cases: number;
  ok: number;
  selErrors: number;
  codes: Record<string, number>;
  maxMs: number;
  /** Non-SelError exceptions: must be empty. */
  crashes: { source: string; error: string }[];
}

const host = createParamHost({ params: { x: 7, s: 'str', arr: ['a', 'b'], m: { k: 1 } } });

/** Runs `cases` generated programs through validate and evaluate and collects what happened. */
export function runFuzz(seed: number, cases: number): FuzzStats {
  const r = rng(seed);
  const stats: FuzzStats = { cases, ok: 0, selErrors: 0, codes: {}, maxMs: 0, crashes: [] };
  for (let i = 0; i < cases; i++) {
    const src = genProgram(r);
    const t0 = performance.now();
    try {
      validate(src);
      evaluate(src, host, FUZZ_LIMITS);
      stats.ok++;
    } catch (e) {
      if (e instanceof SelError) {
        stats.selErrors++;
        stats.codes[e.code] = (stats.codes[e.code] ?? 0) + 1;
      } else if (stats.crashes.length < 20) {
        stats.crashes.push({
          source: src,
          error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        });
      }
    }
    stats.maxMs = Math.max(stats.maxMs, performance.now() - t0);
  }
  return stats;
}
