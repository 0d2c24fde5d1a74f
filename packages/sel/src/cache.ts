import type { Program } from './ast';
import { DEFAULT_LIMITS } from './limits';
import { parseProgram } from './parser';

/**
 * Bounded LRU of parsed programs keyed by source text (and the parse limits, so that a
 * program parsed under a looser depth limit is never reused under a stricter one).
 * Programs are immutable after parsing, so sharing them between evaluations is safe.
 */
export class ProgramCache {
  private readonly map = new Map<string, Program>();
  constructor(readonly capacity = 1000) {}

  get(source: string, maxDepth: number, maxSourceLength: number): Program {
    const key =
      maxDepth === DEFAULT_LIMITS.maxDepth && maxSourceLength === DEFAULT_LIMITS.maxSourceLength
        ? source
        : `${maxDepth}:${maxSourceLength}:${source}`;
    const hit = this.map.get(key);
    if (hit) {
      // Re-insert to mark as most recently used.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const prog = parseProgram(source, { maxDepth, maxSourceLength });
    this.map.set(key, prog);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    return prog;
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

export const defaultCache = new ProgramCache();
