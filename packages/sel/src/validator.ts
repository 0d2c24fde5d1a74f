import type { Expr, Pos, Stmt, TypeRef } from './ast';
import { CLASSES, INSTANCE_METHODS, PARAMS_METHODS } from './builtins/index';
import type { MethodSpec } from './builtins/registry';
import { SelError } from './errors';
import { DEFAULT_LIMITS } from './limits';
import { parseProgram } from './parser';

export interface ValidationError {
  message: string;
  line: number;
  column: number;
}

export interface ValidationResult {
  ok: boolean;
  errors: ValidationError[];
}

export interface ValidateOptions {
  /** When given, bare identifiers must be locals, these params, or step__param references. */
  knownParams?: Iterable<string>;
  maxDepth?: number;
  maxSourceLength?: number;
}

/** '?' is "unknown statically"; arrays are spelled `long[]`. */
type SType = string;
const UNKNOWN = '?';
const NUMERIC = new Set(['int', 'long', 'double']);
const ALL_METHOD_NAMES = new Set<string>([...INSTANCE_METHODS.values()].flatMap((t) => [...t.keys()]));

/** Static checks: syntax, unknown identifiers/methods/fields, and type errors it can prove. */
export function validate(source: string, options: ValidateOptions = {}): ValidationResult {
  let body: Stmt[];
  try {
    body = parseProgram(source, {
      maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
      maxSourceLength: options.maxSourceLength ?? DEFAULT_LIMITS.maxSourceLength,
    }).body;
  } catch (e) {
    if (e instanceof SelError)
      return { ok: false, errors: [{ message: e.detail, line: e.line, column: e.column }] };
    throw e;
  }
  const v = new Validator(options.knownParams ? new Set(options.knownParams) : null);
  for (const s of body) v.stmt(s, false);
  return { ok: v.errors.length === 0, errors: v.errors };
}

function typeName(t: TypeRef): SType {
  return t.array ? `${t.name}[]` : t.name;
}

function retType(spec: MethodSpec): SType {
  return spec.ret === 'Object' || spec.ret === 'void' ? UNKNOWN : spec.ret;
}

function assignable(to: SType, from: SType): boolean {
  if (from === UNKNOWN || from === 'null' || to === 'Object' || to === from) return true;
  if (to.endsWith('[]')) {
    if (!from.endsWith('[]')) return false;
    const a = to.slice(0, -2);
    const b = from.slice(0, -2);
    return b === 'Object' || assignable(a, b);
  }
  switch (to) {
    case 'int':
    case 'long':
      return from === 'int' || from === 'long';
    case 'double':
      return NUMERIC.has(from);
  }
  return false;
}

class Validator {
  readonly errors: ValidationError[] = [];
  private readonly vars = new Map<string, { type: SType; typed: boolean }>();
  constructor(private readonly known: Set<string> | null) {}

  private err(pos: Pos, message: string): SType {
    if (this.errors.length < 100) this.errors.push({ message, line: pos.line, column: pos.column });
    return UNKNOWN;
  }

  stmt(s: Stmt, inLoop: boolean): void {
    switch (s.kind) {
      case 'expr':
        this.expr(s.expr);
        return;
      case 'decl':
        for (const d of s.decls) {
          const want = typeName(s.type);
          if (d.init) {
            const got =
              d.init.kind === 'arrayInit' ? this.arrayInit(d.init.items, s.type) : this.expr(d.init);
            if (!assignable(want, got))
              this.err(d.init.pos, `type mismatch: cannot assign ${got} to ${want} ${d.name}`);
          }
          this.vars.set(d.name, { type: want, typed: true });
        }
        return;
      case 'block':
        for (const b of s.body) this.stmt(b, inLoop);
        return;
      case 'if':
        this.test(s.test);
        this.stmt(s.then, inLoop);
        if (s.else) this.stmt(s.else, inLoop);
        return;
      case 'while':
      case 'doWhile':
        this.test(s.test);
        this.stmt(s.body, true);
        return;
      case 'for':
        for (const i of s.init) this.stmt(i, inLoop);
        if (s.test) this.test(s.test);
        this.stmt(s.body, true);
        for (const u of s.update) this.expr(u);
        return;
      case 'break':
      case 'continue':
        if (!inLoop) this.err(s.pos, `'${s.kind}' outside of a loop`);
        return;
      case 'return':
        if (s.value) this.expr(s.value);
        return;
      case 'throw':
        this.expr(s.value);
        return;
      case 'empty':
        return;
    }
  }

  private test(e: Expr): void {
    const t = this.expr(e);
    if (t !== UNKNOWN && t !== 'boolean') this.err(e.pos, `condition must be boolean, found ${t}`);
  }

  private arrayInit(items: Expr[], type: TypeRef): SType {
    if (!type.array)
      return this.err(
        items[0]?.pos ?? { line: 0, column: 0 },
        `array initializer for non-array type ${type.name}`,
      );
    for (const i of items) {
      const t = this.expr(i);
      if (!assignable(type.name, t)) this.err(i.pos, `type mismatch: cannot store ${t} in ${type.name}[]`);
    }
    return `${type.name}[]`;
  }

  private isClass(e: Expr): e is Expr & { kind: 'name' } {
    return e.kind === 'name' && !this.vars.has(e.name) && (CLASSES.has(e.name) || e.name === 'params');
  }

  private call(spec: MethodSpec | undefined, what: string, e: Expr & { kind: 'call' }): SType {
    for (const a of e.args) this.expr(a);
    if (!spec) return this.err(e.pos, `unknown method ${what}`);
    if (e.args.length < spec.min || e.args.length > spec.max) {
      return this.err(
        e.pos,
        `${what} takes ${spec.min === spec.max ? spec.min : `${spec.min}..${spec.max}`} arguments, got ${e.args.length}`,
      );
    }
    return retType(spec);
  }

  expr(e: Expr): SType {
    switch (e.kind) {
      case 'lit':
        return e.value.t === 'string' ? 'String' : e.value.t;
      case 'name': {
        const v = this.vars.get(e.name);
        if (v) return v.type;
        if (e.name === 'params' || CLASSES.has(e.name))
          return this.err(e.pos, `class ${e.name} cannot be used as a value`);
        if (this.known && !this.known.has(e.name)) {
          const i = e.name.indexOf('__');
          if (!(i > 0 && i < e.name.length - 2)) return this.err(e.pos, `unknown identifier '${e.name}'`);
        }
        return UNKNOWN;
      }
      case 'member': {
        if (this.isClass(e.object)) {
          const f = CLASSES.get(e.object.name)?.fields.get(e.name);
          return f ? f.type : this.err(e.pos, `unknown field ${e.object.name}.${e.name}`);
        }
        const t = this.expr(e.object);
        if (t.endsWith('[]') && e.name === 'length') return 'int';
        if (t === UNKNOWN && e.name === 'length') return 'int';
        return this.err(e.pos, `unknown field ${e.name}${t === UNKNOWN ? '' : ` of ${t}`}`);
      }
      case 'call': {
        if (e.object === null) return this.call(undefined, `${e.name}()`, e);
        if (this.isClass(e.object)) {
          const cname = e.object.name;
          const spec =
            cname === 'params' ? PARAMS_METHODS.get(e.name) : CLASSES.get(cname)?.statics.get(e.name);
          return this.call(spec, `${cname}.${e.name}`, e);
        }
        const t = this.expr(e.object);
        if (t === UNKNOWN) {
          for (const a of e.args) this.expr(a);
          return ALL_METHOD_NAMES.has(e.name) ? UNKNOWN : this.err(e.pos, `unknown method ${e.name}`);
        }
        const key = t.endsWith('[]') ? 'array' : NUMERIC.has(t) ? 'number' : t;
        return this.call(INSTANCE_METHODS.get(key)?.get(e.name), `${t}.${e.name}`, e);
      }
      case 'index': {
        const t = this.expr(e.object);
        const i = this.expr(e.index);
        if (t.endsWith('[]')) {
          if (i !== UNKNOWN && i !== 'int' && i !== 'long')
            this.err(e.index.pos, `array index must be int, found ${i}`);
          const el = t.slice(0, -2);
          return el === 'Object' ? UNKNOWN : el;
        }
        if (t !== UNKNOWN && t !== 'Map' && t !== 'Object') this.err(e.pos, `cannot index ${t}`);
        return UNKNOWN;
      }
      case 'new': {
        for (const a of e.args) this.expr(a);
        if (e.type === 'Map' || e.type === 'HashMap') return 'Map';
        const cls = CLASSES.get(e.type);
        if (!cls?.ctor) return this.err(e.pos, `cannot instantiate ${e.type}`);
        if (e.args.length < cls.ctor.min || e.args.length > cls.ctor.max)
          return this.err(e.pos, `no constructor ${e.type} with ${e.args.length} arguments`);
        return cls.ctor.ret;
      }
      case 'newArray': {
        if (e.size) {
          const s = this.expr(e.size);
          if (s !== UNKNOWN && s !== 'int' && s !== 'long')
            this.err(e.size.pos, `array size must be int, found ${s}`);
        }
        if (e.init) this.arrayInit(e.init, { name: e.type, array: true });
        return `${e.type}[]`;
      }
      case 'arrayInit':
        for (const i of e.items) this.expr(i);
        return UNKNOWN;
      case 'unary': {
        const t = this.expr(e.operand);
        if (t === UNKNOWN) return t;
        if (e.op === '!') return t === 'boolean' ? t : this.err(e.pos, `operator ! is not defined for ${t}`);
        if (!NUMERIC.has(t) || (e.op === '~' && t === 'double'))
          return this.err(e.pos, `operator ${e.op} is not defined for ${t}`);
        return t;
      }
      case 'update': {
        const t = this.expr(e.target);
        if (t !== UNKNOWN && !NUMERIC.has(t))
          return this.err(e.pos, `operator ${e.op} is not defined for ${t}`);
        return t;
      }
      case 'binary':
        return this.binary(e.op, this.expr(e.left), this.expr(e.right), e.pos);
      case 'logical': {
        for (const side of [e.left, e.right]) {
          const t = this.expr(side);
          if (t !== UNKNOWN && t !== 'boolean')
            this.err(side.pos, `operator ${e.op} needs boolean operands, found ${t}`);
        }
        return 'boolean';
      }
      case 'cond': {
        this.test(e.test);
        const a = this.expr(e.then);
        const b = this.expr(e.else);
        return a === b ? a : UNKNOWN;
      }
      case 'cast': {
        const t = this.expr(e.operand);
        if (t !== UNKNOWN && t !== 'null') {
          const ok = NUMERIC.has(e.type) ? NUMERIC.has(t) : e.type === t;
          if (!ok) this.err(e.pos, `cannot cast ${t} to ${e.type}`);
        }
        return e.type;
      }
      case 'assign':
        return this.assign(e);
    }
  }

  private assign(e: Expr & { kind: 'assign' }): SType {
    const rhs = e.value.kind === 'arrayInit' ? UNKNOWN : this.expr(e.value);
    if (e.value.kind === 'arrayInit') this.expr(e.value);
    if (e.target.kind === 'name') {
      const name = e.target.name;
      if (name === 'params' || (CLASSES.has(name) && !this.vars.has(name)))
        return this.err(e.pos, `cannot assign to ${name}`);
      const cur = this.vars.get(name);
      if (e.op === '=') {
        if (cur?.typed) {
          if (!assignable(cur.type, rhs))
            this.err(e.value.pos, `type mismatch: cannot assign ${rhs} to ${cur.type} ${name}`);
          return cur.type;
        }
        this.vars.set(name, { type: rhs, typed: false });
        return rhs;
      }
      const lt = cur ? cur.type : this.expr(e.target);
      const t = this.binary(e.op.slice(0, -1), lt, rhs, e.pos);
      return lt === UNKNOWN ? t : lt;
    }
    const lt = this.expr(e.target);
    if (e.op === '=') {
      if (!assignable(lt, rhs)) this.err(e.value.pos, `type mismatch: cannot store ${rhs} in ${lt}`);
      return rhs;
    }
    this.binary(e.op.slice(0, -1), lt, rhs, e.pos);
    return lt;
  }

  private binary(op: string, a: SType, b: SType, pos: Pos): SType {
    if (op === '==' || op === '!=') return 'boolean';
    if (op === '+' && (a === 'String' || b === 'String')) return 'String';
    if (a === UNKNOWN || b === UNKNOWN) {
      const known = a === UNKNOWN ? b : a;
      if (
        known !== UNKNOWN &&
        op !== '+' &&
        !NUMERIC.has(known) &&
        !(known === 'boolean' && '&|^'.includes(op))
      ) {
        return this.err(pos, `operator ${op} is not defined for ${known}`);
      }
      return ['<', '>', '<=', '>='].includes(op) ? 'boolean' : UNKNOWN;
    }
    if ((op === '&' || op === '|' || op === '^') && a === 'boolean' && b === 'boolean') return 'boolean';
    if (!NUMERIC.has(a) || !NUMERIC.has(b)) {
      const hint = a === 'String' && ['<', '>', '<=', '>='].includes(op) ? ' (use compareTo)' : '';
      return this.err(pos, `operator ${op} is not defined for ${a} and ${b}${hint}`);
    }
    if (['<', '>', '<=', '>='].includes(op)) return 'boolean';
    if (op === '<<' || op === '>>' || op === '>>>') return a;
    return a === 'double' || b === 'double' ? 'double' : a === 'long' || b === 'long' ? 'long' : 'int';
  }
}
