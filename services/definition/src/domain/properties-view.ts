import type { Properties } from '@baton/model';

/** The fields of a properties snapshot that lists filter on. */
export function ownerOf(p: Properties | undefined): string {
  return p?.owner?.name ?? '';
}

export function tagNamesOf(p: Properties | undefined): string[] {
  return (p?.tags ?? []).map((t) => t.name);
}

/** Property snapshots are compared as JSON: same text, same snapshot (no new snapshot is written). */
export function sameProperties(a: Properties | undefined, b: Properties | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}
