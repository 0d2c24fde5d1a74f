import type { ParamDef, ParamMap } from '@baton/model';
import {
  type HostValue,
  type ParamHost,
  SelError,
  evaluate,
  interpolate,
  interpolateValue,
  toParamType,
} from '@baton/sel';
import { type JsonObject, type JsonValue, toJson } from './json';
import { type ScriptLanguage, ScriptInterpolationError, interpolateScript } from './script-interpolation';

/** A param that could not be evaluated: the step (or instance) fails with this message. */
export class ParamEvalError extends Error {
  constructor(
    readonly param: string,
    detail: string,
  ) {
    super(`param '${param}': ${detail}`);
  }
}

/** Host hooks beyond bare names: other steps, the current step, the instance. */
export interface ScopeHooks {
  getFromStep?: (stepId: string, name: string) => JsonValue | undefined;
  getFromCurrentStep?: (name: string) => JsonValue | undefined;
  getFromInstance?: (name: string) => JsonValue | undefined;
  getFromSubworkflow?: (stepId: string, subStepId: string, name: string) => JsonValue | undefined;
  getFromForeach?: (stepId: string, innerStepId: string, name: string) => JsonValue | undefined;
  /** `params.getFromSignalDependency(index or name, param)`: the current step's matched signals. */
  getFromSignalDependency?: (dependency: string, name: string) => JsonValue | undefined;
  /** A param of a signal that fired the run's trigger, by signal name or the first one. */
  getFromSignal?: (signalName: string, name: string) => JsonValue | undefined;
  getFromFirstSignal?: (name: string) => JsonValue | undefined;
  /** Names not defined in this layer (a step's scope falls back to the instance params). */
  fallback?: (name: string) => JsonValue | undefined;
  now: number;
  nextUniqueId: () => number;
  /**
   * Set when evaluating the params of a Shell or Python step: its script param (`shell.script` /
   * `python.script` or a top-level `script`) is interpolated safely (see script-interpolation.ts).
   */
  scriptLanguage?: ScriptLanguage;
}

/** The step param by which a definition asks for Maestro's raw splicing of values into its script. */
export const SCRIPT_INTERPOLATION_PARAM = 'script_interpolation';

/**
 * Evaluates one layer of param definitions lazily: a param is evaluated when first read, so
 * expressions and `${name}` interpolations may refer to each other in any order; a cycle is an
 * error. Values are converted to the declared type and kept JSON-safe (see toJson).
 *
 * `optional` definitions (the default workflow params) sit under `defs` and the presets: they are
 * evaluated only when something reads them, and `all()` lists only those that were read.
 */
export class ParamEvaluator {
  private readonly values = new Map<string, JsonValue>();
  private readonly busy = new Set<string>();
  /** Names being evaluated, innermost last. */
  private readonly stack: string[] = [];
  readonly host: ParamHost;

  constructor(
    private readonly defs: ParamMap,
    private readonly preset: JsonObject,
    private readonly hooks: ScopeHooks,
    private readonly optional: ParamMap = {},
  ) {
    this.host = {
      get: (n) => this.lookup(n) as HostValue,
      has: (n) => this.lookup(n) !== undefined,
      getFromStep: (s, n) => hooks.getFromStep?.(s, n) as HostValue,
      getFromCurrentStep: (n) => (this.lookup(n) ?? hooks.getFromCurrentStep?.(n)) as HostValue,
      getFromInstance: (n) => hooks.getFromInstance?.(n) as HostValue,
      getFromSubworkflow: (w, s, n) => hooks.getFromSubworkflow?.(w, s, n) as HostValue,
      getFromForeach: (f, s, n) => hooks.getFromForeach?.(f, s, n) as HostValue,
      getFromSignalDependency: (dep, n) => hooks.getFromSignalDependency?.(dep, n) as HostValue,
      getFromSignal: (s, n) => hooks.getFromSignal?.(s, n) as HostValue,
      getFromFirstSignal: (n) => hooks.getFromFirstSignal?.(n) as HostValue,
      nextUniqueId: hooks.nextUniqueId,
      now: () => hooks.now,
    };
  }

  /** Every param of the layer (presets included), evaluated. Throws ParamEvalError. */
  all(): JsonObject {
    const out: JsonObject = { ...this.preset };
    for (const name of Object.keys(this.defs)) {
      Object.defineProperty(out, name, {
        value: this.get(name),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    for (const name of Object.keys(this.optional)) {
      if (!this.values.has(name) || Object.hasOwn(out, name)) continue;
      Object.defineProperty(out, name, {
        value: this.values.get(name),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  get(name: string): JsonValue {
    const v = this.lookup(name);
    if (v === undefined) throw new ParamEvalError(name, 'not defined');
    return v;
  }

  private lookup(name: string): JsonValue | undefined {
    if (this.values.has(name)) return this.values.get(name);
    let def = this.defs[name];
    if (!Object.hasOwn(this.defs, name)) {
      if (Object.hasOwn(this.preset, name)) return this.preset[name];
      if (!Object.hasOwn(this.optional, name)) return this.hooks.fallback?.(name);
      def = this.optional[name];
    }
    if (this.busy.has(name)) {
      // `i` defined as `i + 1` in a step reads the outer `i` (the instance's), as a loop body
      // updates its loop variable; any other cycle is an error.
      const outer = this.stack.at(-1) === name ? this.hooks.fallback?.(name) : undefined;
      if (outer !== undefined) return outer;
      throw new ParamEvalError(name, 'refers to itself (a cycle of params)');
    }
    this.busy.add(name);
    this.stack.push(name);
    try {
      const v = this.evalDef(name, def!);
      this.values.set(name, v);
      return v;
    } catch (e) {
      if (e instanceof ParamEvalError) throw e;
      const detail = e instanceof SelError ? e.message : e instanceof Error ? e.message : String(e);
      throw new ParamEvalError(name, detail);
    } finally {
      this.busy.delete(name);
      this.stack.pop();
    }
  }

  private evalDef(name: string, def: ParamDef): JsonValue {
    if (def.expression !== undefined) {
      const result = evaluate(def.expression, this.host, { now: () => this.hooks.now });
      return toJson(toParamType(result, def.type));
    }
    return this.literal(name, def.value as JsonValue, def.type);
  }

  private literal(name: string, value: JsonValue, type: string): JsonValue {
    // `${step__param}` reads another step's param or output, as in SEL.
    const find = (n: string) => {
      const v = this.lookup(n);
      if (v !== undefined) return v;
      const k = n.indexOf('__');
      return k > 0 ? this.hooks.getFromStep?.(n.slice(0, k), n.slice(k + 2)) : undefined;
    };
    switch (type) {
      case 'STRING':
        if (typeof value !== 'string') return toJson(toParamType(value, type));
        if (this.isScript(name)) {
          try {
            return interpolateScript(this.hooks.scriptLanguage as ScriptLanguage, value, find);
          } catch (e) {
            if (e instanceof ScriptInterpolationError) throw new ParamEvalError(name, e.message);
            throw e;
          }
        }
        return interpolate(value, find);
      case 'STRING_ARRAY':
        if (this.isScript(name) && Array.isArray(value)) {
          const language = this.hooks.scriptLanguage as ScriptLanguage;
          try {
            return value.map((v) => (typeof v === 'string' ? interpolateScript(language, v, find) : v));
          } catch (e) {
            if (e instanceof ScriptInterpolationError) throw new ParamEvalError(name, e.message);
            throw e;
          }
        }
        return toJson(toParamType(interpolateValue(value as string[], find), type));
      case 'STRING_MAP':
        return toJson(toParamType(interpolateValue(value as string[], find), type));
      case 'MAP':
        return this.map(name, value);
      default:
        return toJson(toParamType(value, type));
    }
  }

  /** The script of a Shell/Python step (unless the step opted into raw splicing), or a SQL step's statements. */
  private isScript(name: string): boolean {
    const language = this.hooks.scriptLanguage;
    if (!language) return false;
    // SQL text is always guarded: there is no raw mode for it (bind values are the way in).
    if (language === 'SQL') return name === 'sql.statements';
    if (language === 'Command') return name === 'docker.command';
    if (name !== 'script' && name !== `${language.toLowerCase()}.script`) return false;
    const mode = this.lookup(SCRIPT_INTERPOLATION_PARAM);
    if (mode === undefined || mode === 'quoted') return true;
    if (mode === 'raw') return false;
    throw new ParamEvalError(SCRIPT_INTERPOLATION_PARAM, `must be "quoted" (the default) or "raw"`);
  }

  /** A MAP literal: nested param definitions are evaluated, plain values kept. */
  private map(name: string, value: JsonValue): JsonValue {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ParamEvalError(name, 'a MAP param needs an object value');
    }
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const nested = isParamDef(v) ? this.evalDef(`${name}.${k}`, v as unknown as ParamDef) : v;
      Object.defineProperty(out, k, { value: nested, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
}

function isParamDef(v: JsonValue): boolean {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof v.type === 'string' &&
    (Object.hasOwn(v, 'value') || typeof v.expression === 'string')
  );
}
