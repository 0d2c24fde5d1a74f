import { setFlagsFromString } from 'node:v8';
import { SelError } from '../errors';

/**
 * Java regexes supplied by scripts (split, replaceAll, matches) run on V8's linear-time engine
 * (the `l` flag), so catastrophic backtracking such as `(a+)+$` cannot hang the process.
 * Backreferences and lookarounds cannot run in linear time and are rejected with a clear error.
 */
let linearReady = false;
function ensureLinear(): void {
  if (linearReady) return;
  setFlagsFromString('--enable-experimental-regexp-engine');
  linearReady = true;
}

const cache = new Map<string, RegExp>();

export function compileRegex(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  if (pattern.length > 1000) throw new SelError('RUNTIME', 'regular expression longer than 1000 characters');
  ensureLinear();
  let re: RegExp;
  try {
    re = new RegExp(translateJava(pattern), `${flags}l`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new SelError('RUNTIME', `invalid or unsupported regular expression '${pattern}': ${msg}`);
  }
  if (cache.size > 256) cache.clear();
  cache.set(key, re);
  return re;
}

/** The few Java-only regex spellings that mean something else (or nothing) in JS. */
function translateJava(p: string): string {
  return p
    .replace(/\\p\{Alpha\}/g, '[A-Za-z]')
    .replace(/\\p\{Digit\}/g, '[0-9]')
    .replace(/\\p\{Alnum\}/g, '[A-Za-z0-9]')
    .replace(/\\p\{Upper\}/g, '[A-Z]')
    .replace(/\\p\{Lower\}/g, '[a-z]')
    .replace(/\\p\{Punct\}/g, '[!-\\/:-@\\[-`{-~]')
    .replace(/\\p\{Space\}/g, '\\s');
}

const META = /[\\^$.|?*+()[\]{}]/;

/** Java String.split(regex, limit). */
export function javaSplit(s: string, pattern: string, limit: number): string[] {
  let parts: string[];
  if (pattern.length === 1 && !META.test(pattern)) {
    parts = s.split(pattern);
  } else if (pattern.length === 2 && pattern[0] === '\\' && !/[0-9a-zA-Z]/.test(pattern[1])) {
    parts = s.split(pattern[1]);
  } else {
    const re = compileRegex(pattern, 'g');
    parts = [];
    let last = 0;
    for (const mt of s.matchAll(re)) {
      const idx = mt.index ?? 0;
      if (mt[0].length === 0) {
        if (idx === 0 || idx >= s.length) continue;
      }
      if (limit > 0 && parts.length === limit - 1) break;
      // Java drops a leading empty string produced by a zero-width match at index 0.
      if (!(idx === 0 && mt[0].length === 0)) parts.push(s.slice(last, idx));
      last = idx + mt[0].length;
    }
    parts.push(s.slice(last));
    if (s.length === 0) parts = [''];
    if (limit === 0) while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length === 1 && parts[0] === '' && s.length > 0) return [];
    return parts;
  }
  if (limit > 0 && parts.length > limit)
    parts = [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(pattern.at(-1))];
  if (s.length === 0) return [''];
  if (limit === 0) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Java replacement strings: `$n` is a group, `\x` is a literal x. */
export function javaReplacement(repl: string): (match: string, ...rest: unknown[]) => string {
  return (match: string, ...rest: unknown[]) => {
    let out = '';
    for (let i = 0; i < repl.length; i++) {
      const c = repl[i];
      if (c === '\\' && i + 1 < repl.length) {
        out += repl[++i];
      } else if (c === '$' && /[0-9]/.test(repl[i + 1] ?? '')) {
        const g = Number(repl[++i]);
        const v = g === 0 ? match : rest[g - 1];
        if (typeof v !== 'string' && g !== 0 && v !== undefined)
          throw new SelError('RUNTIME', `no group ${g}`);
        out += typeof v === 'string' ? v : '';
      } else if (c === '$') {
        throw new SelError('RUNTIME', 'illegal group reference in replacement');
      } else {
        out += c;
      }
    }
    return out;
  };
}

/** One regex operation of a script, as plain data so that it can run on another thread. */
export type RegexJob =
  | { op: 'matches'; subject: string; pattern: string }
  | { op: 'replace'; subject: string; pattern: string; repl: string; all: boolean; maxLength: number }
  | { op: 'split'; subject: string; pattern: string; limit: number };

/** Runs a job where it is called; throws SelError. */
export function runRegexJob(job: RegexJob): boolean | string | string[] {
  switch (job.op) {
    case 'matches':
      return compileRegex(`^(?:${job.pattern})$`).test(job.subject);
    case 'split':
      return javaSplit(job.subject, job.pattern, job.limit);
    case 'replace': {
      const re = compileRegex(job.pattern, job.all ? 'g' : '');
      const fn = javaReplacement(job.repl);
      let size = job.subject.length;
      return job.subject.replace(re, (match: string, ...rest: unknown[]) => {
        const r = fn(match, ...rest);
        size += r.length - match.length;
        if (size > job.maxLength) {
          throw new SelError('LIMIT_STRING', `replaceAll result exceeds ${job.maxLength} characters`);
        }
        return r;
      });
    }
  }
}
