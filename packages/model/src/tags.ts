import { TAG_NAMESPACES, type TagNamespace, parseEnum } from './enums';
import { checkTagName } from './ids';
import { indexPath, keyPath } from './json-path';
import { asArray, isObject, typeName } from './reader';
import { type Ctx, report } from './violations';

/** A tag, normalized from either `"name"` or `{"name": ..., "namespace": ..., <attributes>}`. */
export interface Tag {
  name: string;
  namespace?: TagNamespace;
  /** Any other fields of the tag object (Maestro keeps them as attributes, e.g. `creator`). */
  attributes?: Record<string, unknown>;
}

/** Reads a tag list; tag names must be unique within the list (Maestro's TagListConstraint). */
export function parseTags(ctx: Ctx, path: string, v: unknown): Tag[] | undefined {
  const list = asArray(ctx, path, v);
  if (!list) return undefined;
  const tags: Tag[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const p = indexPath(path, i);
    const tag = parseTag(ctx, p, item);
    if (!tag) return;
    if (seen.has(tag.name)) {
      report(ctx, p, `duplicate tag name '${tag.name}'`);
      return;
    }
    seen.add(tag.name);
    tags.push(tag);
  });
  return tags;
}

function parseTag(ctx: Ctx, path: string, v: unknown): Tag | undefined {
  if (typeof v === 'string') return checkTagName(ctx, path, v) ? { name: v } : undefined;
  if (!isObject(v)) {
    report(ctx, path, `a tag must be a string or an object with a name, got ${typeName(v)}`);
    return undefined;
  }
  const { name, namespace, permit: _readOnly, ...attributes } = v;
  if (typeof name !== 'string') {
    report(ctx, keyPath(path, 'name'), 'tag name is required and must be a string');
    return undefined;
  }
  if (!checkTagName(ctx, keyPath(path, 'name'), name)) return undefined;
  const tag: Tag = { name };
  if (namespace !== undefined && namespace !== null) {
    const ns = parseEnum(ctx, keyPath(path, 'namespace'), namespace, TAG_NAMESPACES, 'tag namespace');
    if (ns) tag.namespace = ns;
  }
  if (Object.keys(attributes).length > 0) tag.attributes = attributes;
  return tag;
}

/** Why `name` cannot be a tag name (as a definition's tags are checked), or undefined when it can. */
export function tagNameProblem(name: string): string | undefined {
  const ctx: Ctx = { violations: [] };
  checkTagName(ctx, '', name);
  return ctx.violations[0]?.description;
}
