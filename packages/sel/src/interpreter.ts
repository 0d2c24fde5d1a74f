import type { Expr, LiteralValue, Program, Stmt, TypeRef } from './ast';
import { CLASSES, PARAMS_METHODS, methodsFor } from './builtins/index';
import { arrayGet, mapKey } from './builtins/collections';
import { lookupName, paramsGet } from './builtins/params';
import type { MethodSpec } from './builtins/registry';
import type { EvalContext } from './context';
import { SelError } from './errors';
import { assignConvert, binaryOp, castTo, convertElem, defaultElem, inferElem, unaryOp } from './operators';
import { type ElemType, JDouble, SelArray, SelClassRef, SelMap, type Value, kindOf } from './values';

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;

const PARAMS = new SelClassRef('params');

/** Runs a program: the `return` value, else the value of the last expression statement. */
export function runProgram(prog: Program, ctx: EvalContext): Value {
  let last: Value = null;
  for (const s of prog.body) {
    if (s.kind === 'expr') {
      last = evalTop(s.expr, ctx, s.pos.line, s.pos.column);
      continue;
    }
    const r = exec(s, ctx);
    if (r === RETURN) return ctx.returned;
    if (r !== NORMAL)
      throw new SelError(
        'SYNTAX',
        `'${r === BREAK ? 'break' : 'continue'}' outside of a loop`,
        s.pos.line,
        s.pos.column,
      );
    if (
      s.kind === 'block' ||
      s.kind === 'if' ||
      s.kind === 'for' ||
      s.kind === 'while' ||
      s.kind === 'doWhile'
    ) {
      last = ctx.returned;
    }
  }
  return last;
}

function evalTop(e: Expr, ctx: EvalContext, line: number, column: number): Value {
  try {
    const v = evalExpr(e, ctx);
    ctx.returned = v;
    return v;
  } catch (err) {
    throw located(err, line, column);
  }
}

/** Positions an error and turns engine exceptions (stack, string size) into SelErrors. */
export function located(err: unknown, line: number, column: number): SelError {
  if (err instanceof SelError) return err.at(line, column);
  if (err instanceof RangeError) {
    const msg = err.message;
    if (/call stack/i.test(msg))
      return new SelError('LIMIT_DEPTH', 'evaluation nested too deeply', line, column);
    if (/string length/i.test(msg)) return new SelError('LIMIT_STRING', 'string too long', line, column);
    if (/array length/i.test(msg)) return new SelError('LIMIT_ARRAY', 'array too large', line, column);
  }
  const msg = err instanceof Error ? err.message : String(err);
  return new SelError('RUNTIME', msg.slice(0, 500), line, column);
}

function exec(s: Stmt, ctx: EvalContext): number {
  ctx.tick();
  if (++ctx.depth > ctx.limits.maxDepth) {
    ctx.depth = 0;
    throw new SelError(
      'LIMIT_DEPTH',
      `statements nested deeper than ${ctx.limits.maxDepth}`,
      s.pos.line,
      s.pos.column,
    );
  }
  try {
    return execInner(s, ctx);
  } catch (err) {
    throw located(err, s.pos.line, s.pos.column);
  } finally {
    ctx.depth--;
  }
}

function cond(e: Expr, ctx: EvalContext): boolean {
  const v = evalExpr(e, ctx);
  if (typeof v !== 'boolean')
    throw new SelError('TYPE', `condition must be boolean, got ${kindOf(v)}`, e.pos.line, e.pos.column);
  return v;
}

function loopGuard(ctx: EvalContext, n: number, s: Stmt): void {
  if (n > ctx.limits.maxLoopIterations) {
    throw new SelError(
      'LIMIT_LOOP',
      `loop exceeded ${ctx.limits.maxLoopIterations} iterations`,
      s.pos.line,
      s.pos.column,
    );
  }
}

function execInner(s: Stmt, ctx: EvalContext): number {
  switch (s.kind) {
    case 'expr':
      ctx.returned = evalExpr(s.expr, ctx);
      return NORMAL;
    case 'decl':
      for (const d of s.decls) {
        let v: Value = s.type.array ? null : defaultElem(s.type.name as ElemType);
        if (d.init) {
          v = d.init.kind === 'arrayInit' ? buildArray(ctx, s.type, d.init.items) : evalExpr(d.init, ctx);
          v = assignConvert(ctx, s.type, v);
        }
        ctx.vars.set(d.name, { type: s.type, value: v });
      }
      return NORMAL;
    case 'block':
      for (const b of s.body) {
        const r = exec(b, ctx);
        if (r !== NORMAL) return r;
      }
      return NORMAL;
    case 'if':
      if (cond(s.test, ctx)) return exec(s.then, ctx);
      return s.else ? exec(s.else, ctx) : NORMAL;
    case 'while': {
      let n = 0;
      while (cond(s.test, ctx)) {
        loopGuard(ctx, ++n, s);
        const r = exec(s.body, ctx);
        if (r === BREAK) break;
        if (r === RETURN) return r;
      }
      return NORMAL;
    }
    case 'doWhile': {
      let n = 0;
      do {
        loopGuard(ctx, ++n, s);
        const r = exec(s.body, ctx);
        if (r === BREAK) break;
        if (r === RETURN) return r;
      } while (cond(s.test, ctx));
      return NORMAL;
    }
    case 'for': {
      for (const i of s.init) exec(i, ctx);
      let n = 0;
      while (s.test === null || cond(s.test, ctx)) {
        loopGuard(ctx, ++n, s);
        const r = exec(s.body, ctx);
        if (r === BREAK) break;
        if (r === RETURN) return r;
        for (const u of s.update) evalExpr(u, ctx);
      }
      return NORMAL;
    }
    case 'break':
      return BREAK;
    case 'continue':
      return CONTINUE;
    case 'return':
      ctx.returned = s.value ? evalExpr(s.value, ctx) : null;
      return RETURN;
    case 'throw': {
      const v = evalExpr(s.value, ctx);
      const msg =
        typeof v === 'string' ? v : String(v === null ? 'null' : kindOf(v) === 'String' ? v : toText(v));
      throw new SelError('THROWN', msg, s.pos.line, s.pos.column);
    }
    case 'empty':
      return NORMAL;
  }
}

function toText(v: Value): string {
  return typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean'
    ? String(v)
    : v instanceof JDouble
      ? String(v.v)
      : kindOf(v);
}

function literal(v: LiteralValue): Value {
  switch (v.t) {
    case 'int':
    case 'long':
    case 'string':
    case 'boolean':
      return v.v;
    case 'double':
      return new JDouble(v.v);
    case 'null':
      return null;
  }
}

function buildArray(ctx: EvalContext, type: TypeRef, items: Expr[]): SelArray {
  if (!type.array) throw new SelError('TYPE', `an array initializer needs an array type, not ${type.name}`);
  ctx.size(items.length);
  const elem = type.name as ElemType;
  return new SelArray(
    elem,
    items.map((x) => convertElem(elem, evalExpr(x, ctx))),
  );
}

function isClassName(ctx: EvalContext, e: Expr): e is Expr & { kind: 'name' } {
  return e.kind === 'name' && !ctx.vars.has(e.name) && (CLASSES.has(e.name) || e.name === 'params');
}

export function evalExpr(e: Expr, ctx: EvalContext): Value {
  ctx.tick();
  switch (e.kind) {
    case 'lit':
      return literal(e.value);
    case 'name': {
      const v = ctx.vars.get(e.name);
      if (v) return v.value;
      if (e.name === 'params') return PARAMS;
      if (CLASSES.has(e.name))
        throw new SelError('TYPE', `class ${e.name} cannot be used as a value`, e.pos.line, e.pos.column);
      const p = lookupName(ctx, e.name);
      if (p === undefined)
        throw new SelError('PARAM', `unknown identifier '${e.name}'`, e.pos.line, e.pos.column);
      return p;
    }
    case 'binary':
      return binaryOp(ctx, e.op, evalExpr(e.left, ctx), evalExpr(e.right, ctx));
    case 'logical': {
      const l = evalExpr(e.left, ctx);
      if (typeof l !== 'boolean')
        throw new SelError(
          'TYPE',
          `operator ${e.op} needs boolean operands, got ${kindOf(l)}`,
          e.pos.line,
          e.pos.column,
        );
      if (e.op === '&&' ? !l : l) return l;
      const r = evalExpr(e.right, ctx);
      if (typeof r !== 'boolean')
        throw new SelError(
          'TYPE',
          `operator ${e.op} needs boolean operands, got ${kindOf(r)}`,
          e.pos.line,
          e.pos.column,
        );
      return r;
    }
    case 'unary':
      return unaryOp(e.op, evalExpr(e.operand, ctx));
    case 'cond':
      return cond(e.test, ctx) ? evalExpr(e.then, ctx) : evalExpr(e.else, ctx);
    case 'assign':
      return evalAssign(e, ctx);
    case 'update': {
      const old = readTarget(e.target, ctx);
      if (typeof old !== 'number' && typeof old !== 'bigint' && !(old instanceof JDouble)) {
        throw new SelError(
          'TYPE',
          `operator ${e.op} is not defined for ${kindOf(old)}`,
          e.pos.line,
          e.pos.column,
        );
      }
      const nv = binaryOp(ctx, e.op === '++' ? '+' : '-', old, 1);
      writeTarget(e.target, castTo(kindOf(old), nv), ctx, false);
      return e.prefix ? nv : old;
    }
    case 'cast':
      return castTo(e.type, evalExpr(e.operand, ctx));
    case 'index': {
      const obj = evalExpr(e.object, ctx);
      const idx = evalExpr(e.index, ctx);
      return indexRead(ctx, obj, idx);
    }
    case 'member':
      return evalMember(e, ctx);
    case 'call':
      return evalCall(e, ctx);
    case 'new':
      return evalNew(e, ctx);
    case 'newArray': {
      const elem = e.type as ElemType;
      if (e.init) return buildArray(ctx, { name: elem, array: true }, e.init);
      const n = evalExpr(e.size as Expr, ctx);
      if (typeof n !== 'number' && typeof n !== 'bigint')
        throw new SelError('TYPE', `array size must be int, got ${kindOf(n)}`, e.pos.line, e.pos.column);
      if (n < 0) throw new SelError('RUNTIME', `NegativeArraySizeException: ${n}`, e.pos.line, e.pos.column);
      ctx.size(Number(n));
      return new SelArray(elem, new Array(Number(n)).fill(defaultElem(elem)));
    }
    case 'arrayInit': {
      ctx.size(e.items.length);
      const items = e.items.map((x) => evalExpr(x, ctx));
      return new SelArray(inferElem(items), items);
    }
  }
}

function indexRead(ctx: EvalContext, obj: Value, idx: Value): Value {
  if (obj instanceof SelArray) {
    if (typeof idx !== 'number' && typeof idx !== 'bigint')
      throw new SelError('TYPE', `array index must be int, got ${kindOf(idx)}`);
    return arrayGet(obj, Number(idx));
  }
  if (obj instanceof SelMap) return typeof idx === 'string' ? (obj.map.get(idx) ?? null) : null;
  if (obj === PARAMS) return paramsGet(ctx, idx);
  if (obj === null) throw new SelError('RUNTIME', 'NullPointerException: cannot index null');
  throw new SelError('TYPE', `cannot index ${kindOf(obj)}`);
}

function readTarget(t: Expr, ctx: EvalContext): Value {
  return evalExpr(t, ctx);
}

function writeTarget(t: Expr, v: Value, ctx: EvalContext, plain: boolean): Value {
  if (t.kind === 'name') {
    const cur = ctx.vars.get(t.name);
    if (cur) {
      cur.value = cur.type ? assignConvert(ctx, cur.type, v) : v;
      return cur.value;
    }
    if (t.name === 'params' || CLASSES.has(t.name)) throw new SelError('TYPE', `cannot assign to ${t.name}`);
    ctx.vars.set(t.name, { type: null, value: v });
    return v;
  }
  if (t.kind === 'index') {
    const obj = evalExpr(t.object, ctx);
    const idx = evalExpr(t.index, ctx);
    if (obj instanceof SelArray) {
      if (typeof idx !== 'number' && typeof idx !== 'bigint')
        throw new SelError('TYPE', `array index must be int, got ${kindOf(idx)}`);
      const i = Number(idx);
      arrayGet(obj, i);
      obj.items[i] = convertElem(obj.elem, v);
      return obj.items[i];
    }
    if (obj instanceof SelMap) {
      const k = mapKey(idx);
      if (!obj.map.has(k)) ctx.size(obj.map.size + 1, 'map');
      obj.map.set(k, v);
      return v;
    }
    if (obj === PARAMS) throw new SelError('TYPE', 'params are read-only');
    throw new SelError('TYPE', `cannot assign into ${kindOf(obj)}`);
  }
  void plain;
  throw new SelError('SYNTAX', 'invalid assignment target');
}

function evalAssign(e: Expr & { kind: 'assign' }, ctx: EvalContext): Value {
  if (e.op === '=') {
    let v: Value;
    if (e.value.kind === 'arrayInit' && e.target.kind === 'name') {
      const cur = ctx.vars.get(e.target.name);
      v = cur?.type?.array ? buildArray(ctx, cur.type, e.value.items) : evalExpr(e.value, ctx);
    } else {
      v = evalExpr(e.value, ctx);
    }
    return writeTarget(e.target, v, ctx, true);
  }
  const old = readTarget(e.target, ctx);
  const rhs = evalExpr(e.value, ctx);
  const nv = binaryOp(ctx, e.op.slice(0, -1), old, rhs);
  // Java's compound assignment narrows back to the variable's type: int x; x += 1.5.
  const kind = kindOf(old);
  const out = kind === 'int' || kind === 'long' || kind === 'double' ? castTo(kind, nv) : nv;
  return writeTarget(e.target, out, ctx, false);
}

function evalMember(e: Expr & { kind: 'member' }, ctx: EvalContext): Value {
  if (isClassName(ctx, e.object)) {
    const cls = CLASSES.get(e.object.name);
    const f = cls?.fields.get(e.name);
    if (!f) throw new SelError('TYPE', `unknown field ${e.object.name}.${e.name}`, e.pos.line, e.pos.column);
    return f.get(ctx);
  }
  const obj = evalExpr(e.object, ctx);
  if (obj instanceof SelArray && e.name === 'length') return obj.items.length;
  if (obj === null)
    throw new SelError(
      'RUNTIME',
      `NullPointerException: cannot read field ${e.name} of null`,
      e.pos.line,
      e.pos.column,
    );
  throw new SelError('TYPE', `unknown field ${e.name} of ${kindOf(obj)}`, e.pos.line, e.pos.column);
}

function invoke(
  ctx: EvalContext,
  spec: MethodSpec | undefined,
  self: Value,
  args: Expr[],
  what: string,
  e: Expr,
): Value {
  if (!spec) throw new SelError('TYPE', `unknown method ${what}`, e.pos.line, e.pos.column);
  if (args.length < spec.min || args.length > spec.max) {
    throw new SelError(
      'TYPE',
      `${what} takes ${spec.min === spec.max ? spec.min : `${spec.min}..${spec.max}`} arguments, got ${args.length}`,
      e.pos.line,
      e.pos.column,
    );
  }
  const vals = new Array<Value>(args.length);
  let units = weight(self);
  for (let i = 0; i < args.length; i++) {
    vals[i] = evalExpr(args[i], ctx);
    units += weight(vals[i]);
  }
  try {
    // Every builtin pays for the size of what it reads before it runs and for what it built
    // after, with the deadline checked both times: a builtin is one native call that the
    // step counter cannot interrupt, so its cost has to be charged by size.
    ctx.charge(units);
    const out = spec.fn(ctx, self, vals);
    ctx.charge(weight(out));
    return out;
  } catch (err) {
    throw located(err, e.pos.line, e.pos.column);
  }
}

/** The size a builtin touches when it reads a value: characters, elements or entries. */
function weight(v: Value): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof SelArray) return v.items.length;
  if (v instanceof SelMap) return v.map.size;
  return 0;
}

function evalCall(e: Expr & { kind: 'call' }, ctx: EvalContext): Value {
  if (e.object === null) throw new SelError('TYPE', `unknown function ${e.name}()`, e.pos.line, e.pos.column);
  if (isClassName(ctx, e.object)) {
    const cname = e.object.name;
    if (cname === 'params')
      return invoke(ctx, PARAMS_METHODS.get(e.name), PARAMS, e.args, `params.${e.name}`, e);
    return invoke(ctx, CLASSES.get(cname)?.statics.get(e.name), null, e.args, `${cname}.${e.name}`, e);
  }
  const self = evalExpr(e.object, ctx);
  if (self === null)
    throw new SelError(
      'RUNTIME',
      `NullPointerException: cannot call ${e.name}() on null`,
      e.pos.line,
      e.pos.column,
    );
  const table = self === PARAMS ? PARAMS_METHODS : methodsFor(self);
  return invoke(ctx, table?.get(e.name), self, e.args, `${kindOf(self)}.${e.name}`, e);
}

function evalNew(e: Expr & { kind: 'new' }, ctx: EvalContext): Value {
  if (e.type === 'Map' || e.type === 'HashMap') {
    if (e.args.length > 1)
      throw new SelError('TYPE', `new ${e.type} takes no arguments`, e.pos.line, e.pos.column);
    if (e.args.length === 1) {
      const src = evalExpr(e.args[0], ctx);
      if (src instanceof SelMap) return new SelMap(new Map(src.map));
      if (typeof src !== 'number')
        throw new SelError(
          'TYPE',
          `new ${e.type}(${kindOf(src)}) is not supported`,
          e.pos.line,
          e.pos.column,
        );
    }
    return new SelMap();
  }
  const cls = CLASSES.get(e.type);
  return invoke(ctx, cls?.ctor, null, e.args, `new ${e.type}`, e);
}
