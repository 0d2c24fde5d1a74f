import { parseJsonText } from './json-text';
import { indexPath, keyPath } from './json-path';
import { DEFINITION_LIMITS } from './limits';
import { type Properties, parseProperties } from './properties';
import { type JsonObject, asObject, optBoolean, rejectUnknownKeys } from './reader';
import { type Ctx, type ExpressionChecker, type FieldViolation, report } from './violations';
import { type WorkflowDef, parseWorkflow } from './workflow';

/** Options of parsePushRequest. */
export interface ValidateOptions {
  /**
   * Checks SEL source: called for every param expression, successor condition, while condition,
   * signal trigger condition/dedup expression ('expression'/'condition'), and every interpolated
   * string value containing `$` ('interpolation'). Default: none (expressions are kept as text
   * and checked when they run).
   */
  checkExpression?: ExpressionChecker;
}

/** Maestro's git_info: where the pushed definition came from (kept, not interpreted). */
export interface GitInfo {
  origin?: string;
  branch?: string;
  sha?: string;
  path?: string;
  author?: string;
  timestamp?: number;
  uncommittedChanges?: boolean;
}

/** A validated push request (Maestro's WorkflowCreateRequest), normalized. */
export interface PushRequest {
  /** The properties change carried by the push (merge it with mergeProperties). */
  properties?: Properties;
  workflow: WorkflowDef;
  /** Whether the pushed version becomes active; unset means Maestro's default (true). */
  isActive?: boolean;
  gitInfo?: GitInfo;
  /** Number of steps, nested included. */
  stepCount: number;
  /** The request's JSON values exactly as pushed, to return the definition to users unchanged. */
  source: { workflow: JsonObject; properties?: JsonObject };
}

export type PushRequestResult =
  | { ok: true; request: PushRequest }
  | { ok: false; violations: FieldViolation[] };

const KEYS = new Set(['properties', 'workflow', 'is_active', 'git_info']);
const GIT_KEYS = new Set(['origin', 'branch', 'sha', 'path', 'author', 'timestamp', 'uncommitted_changes']);

/**
 * Parses, validates and normalizes a workflow push request given as JSON text. Pure: no I/O, no
 * clock. Reports every problem found, each with its JSON path; a request over the size limit or
 * that is not JSON yields a single violation at `$`.
 */
export function parsePushRequest(text: string, opts: ValidateOptions = {}): PushRequestResult {
  const ctx: Ctx = {
    violations: [],
    ...(opts.checkExpression ? { checkExpression: opts.checkExpression } : {}),
  };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > DEFINITION_LIMITS.maxRequestBytes) {
    report(
      ctx,
      '$',
      `the request is ${bytes} bytes, over the limit of ${DEFINITION_LIMITS.maxRequestBytes} bytes (1 MiB)`,
    );
    return { ok: false, violations: ctx.violations };
  }
  const json = parseJsonText(text);
  if (!json.ok) {
    report(ctx, '$', `malformed JSON at line ${json.line}, column ${json.column}: ${json.message}`);
    return { ok: false, violations: ctx.violations };
  }
  const deep = tooDeepAt(json.value, DEFINITION_LIMITS.maxJsonDepth);
  if (deep !== undefined) {
    report(ctx, deep, `nested deeper than ${DEFINITION_LIMITS.maxJsonDepth} levels`);
    return { ok: false, violations: ctx.violations };
  }
  const root = asObject(ctx, '$', json.value, 'a JSON object {"properties": ..., "workflow": ...}');
  if (!root) return { ok: false, violations: ctx.violations };
  rejectUnknownKeys(ctx, '', root, KEYS);
  const properties =
    root.properties == null ? undefined : parseProperties(ctx, 'properties', root.properties);
  if (root.workflow == null) report(ctx, 'workflow', 'workflow is required');
  const { workflow, stepCount } =
    root.workflow == null ? { stepCount: 0 } : parseWorkflow(ctx, 'workflow', root.workflow);
  const isActive = optBoolean(ctx, '', root, 'is_active');
  const gitInfo = parseGitInfo(ctx, root.git_info);
  if (ctx.violations.length > 0 || !workflow) return { ok: false, violations: ctx.violations };
  const request: PushRequest = {
    workflow,
    stepCount,
    source: { workflow: root.workflow as JsonObject },
  };
  if (properties) {
    request.properties = properties;
    request.source.properties = root.properties as JsonObject;
  }
  if (isActive !== undefined) request.isActive = isActive;
  if (gitInfo) request.gitInfo = gitInfo;
  return { ok: true, request };
}

function parseGitInfo(ctx: Ctx, v: unknown): GitInfo | undefined {
  if (v == null) return undefined;
  const obj = asObject(ctx, 'git_info', v);
  if (!obj) return undefined;
  rejectUnknownKeys(ctx, 'git_info', obj, GIT_KEYS);
  const info: GitInfo = {};
  for (const key of ['origin', 'branch', 'sha', 'path', 'author'] as const) {
    const value = obj[key];
    if (value == null) continue;
    if (typeof value === 'string') info[key] = value;
    else report(ctx, keyPath('git_info', key), 'must be a string');
  }
  if (obj.timestamp != null) {
    if (typeof obj.timestamp === 'number' && Number.isInteger(obj.timestamp)) info.timestamp = obj.timestamp;
    else report(ctx, 'git_info.timestamp', 'must be a whole number');
  }
  const uncommitted = optBoolean(ctx, 'git_info', obj, 'uncommitted_changes');
  if (uncommitted !== undefined) info.uncommittedChanges = uncommitted;
  return info;
}

/**
 * The path where a JSON value first nests deeper than `max`, found without recursion (the
 * value may be hostile); undefined when it does not.
 */
function tooDeepAt(root: unknown, max: number): string | undefined {
  const stack: [unknown, string, number][] = [[root, '', 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop() as [unknown, string, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return path === '' ? '$' : path;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], indexPath(path, i), depth + 1]);
    } else for (const [k, x] of Object.entries(v)) stack.push([x, keyPath(path, k), depth + 1]);
  }
  return undefined;
}
