import type { Declarator, Expr, LiteralValue, Pos, Program, Stmt, TypeRef } from './ast';
import { SelError } from './errors';
import { DEFAULT_LIMITS } from './limits';
import { type Token, tokenize } from './lexer';
import { ARRAY_ELEMENT_TYPES, KEYWORDS, canonicalType } from './types';

const BINARY_PREC: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null), {
    '||': 1,
    '&&': 2,
    '|': 3,
    '^': 4,
    '&': 5,
    '==': 6,
    '!=': 6,
    '<': 7,
    '>': 7,
    '<=': 7,
    '>=': 7,
    '<<': 8,
    '>>': 8,
    '>>>': 8,
    '+': 9,
    '-': 9,
    '*': 10,
    '/': 10,
    '%': 10,
  }),
);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>>>=']);

export interface ParseOptions {
  maxDepth?: number;
  maxSourceLength?: number;
}

/** Parses SEL source into a Program; throws SelError('SYNTAX' | 'LIMIT_*') with a position. */
export function parseProgram(source: string, opts: ParseOptions = {}): Program {
  const maxLen = opts.maxSourceLength ?? DEFAULT_LIMITS.maxSourceLength;
  if (typeof source !== 'string') throw new SelError('SYNTAX', 'SEL source must be a string');
  if (source.length > maxLen) {
    throw new SelError('LIMIT_SOURCE', `source is ${source.length} characters, limit is ${maxLen}`);
  }
  const p = new Parser(tokenize(source), opts.maxDepth ?? DEFAULT_LIMITS.maxDepth);
  return { body: p.program(), source };
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly toks: Token[],
    private readonly maxDepth: number,
  ) {}

  program(): Stmt[] {
    const body: Stmt[] = [];
    while (this.peek().kind !== 'eof') body.push(this.statement(true));
    return body;
  }

  // ---- token helpers
  private peek(o = 0): Token {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.i];
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  private isOp(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'op' && t.text === text;
  }
  private isWord(text: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'ident' && t.text === text;
  }
  private eat(text: string): boolean {
    if (this.isOp(text)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(text: string): Token {
    if (!this.isOp(text)) this.fail(`expected '${text}' but found '${this.peek().text}'`);
    return this.next();
  }
  private fail(msg: string, t: Token = this.peek()): never {
    throw new SelError('SYNTAX', msg, t.line, t.column);
  }
  private pos(t: Token = this.peek()): Pos {
    return { line: t.line, column: t.column };
  }
  private enter(): void {
    if (++this.depth > this.maxDepth) {
      const t = this.peek();
      throw new SelError('LIMIT_DEPTH', `nesting deeper than ${this.maxDepth}`, t.line, t.column);
    }
  }
  private identName(): string {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(`expected an identifier but found '${t.text}'`);
    if (KEYWORDS.has(t.text)) this.fail(`'${t.text}' is a reserved word`);
    this.i++;
    return t.text;
  }

  // ---- statements
  private statement(topLevel = false): Stmt {
    this.enter();
    try {
      return this.statementInner(topLevel);
    } finally {
      this.depth--;
    }
  }

  private statementInner(topLevel: boolean): Stmt {
    const t = this.peek();
    const pos = this.pos(t);
    if (t.kind === 'op') {
      if (t.text === '{') {
        this.next();
        const body: Stmt[] = [];
        while (!this.isOp('}')) {
          if (this.peek().kind === 'eof') this.fail("missing '}'");
          body.push(this.statement());
        }
        this.next();
        return { kind: 'block', body, pos };
      }
      if (t.text === ';') {
        this.next();
        return { kind: 'empty', pos };
      }
    }
    if (t.kind === 'ident') {
      switch (t.text) {
        case 'if': {
          this.next();
          this.expect('(');
          const test = this.expression();
          this.expect(')');
          const then = this.statement();
          let other: Stmt | null = null;
          if (this.isWord('else')) {
            this.next();
            other = this.statement();
          }
          return { kind: 'if', test, then, else: other, pos };
        }
        case 'while': {
          this.next();
          this.expect('(');
          const test = this.expression();
          this.expect(')');
          return { kind: 'while', test, body: this.statement(), pos };
        }
        case 'do': {
          this.next();
          const body = this.statement();
          if (!this.isWord('while')) this.fail("expected 'while' after do body");
          this.next();
          this.expect('(');
          const test = this.expression();
          this.expect(')');
          this.endStatement(topLevel);
          return { kind: 'doWhile', test, body, pos };
        }
        case 'for':
          return this.forStatement(pos);
        case 'break':
        case 'continue':
          this.next();
          this.endStatement(topLevel);
          return { kind: t.text, pos };
        case 'return': {
          this.next();
          let value: Expr | null = null;
          if (!this.isOp(';') && this.peek().kind !== 'eof') value = this.expression();
          this.endStatement(topLevel);
          return { kind: 'return', value, pos };
        }
        case 'throw': {
          this.next();
          const value = this.expression();
          this.endStatement(topLevel);
          return { kind: 'throw', value, pos };
        }
        case 'else':
          this.fail("'else' without 'if'");
      }
      if (this.looksLikeDeclaration()) {
        const s = this.declaration();
        this.endStatement(topLevel);
        return s;
      }
    }
    const expr = this.expression();
    this.endStatement(topLevel);
    return { kind: 'expr', expr, pos };
  }

  /** `;` ends a statement; it may be omitted before end of input (e.g. `x > 5`). */
  private endStatement(topLevel: boolean): void {
    if (this.eat(';')) return;
    if (topLevel && this.peek().kind === 'eof') return;
    this.fail(`expected ';' but found '${this.peek().text}'`);
  }

  private looksLikeDeclaration(): boolean {
    const t0 = this.peek();
    if (t0.kind !== 'ident' || KEYWORDS.has(t0.text)) return false;
    let o = 1;
    if (this.isOp('<', o)) {
      // Generic type arguments such as Map<String, Object>.
      if (t0.text !== 'Map' && t0.text !== 'HashMap') return false;
      let d = 0;
      for (; ; o++) {
        const t = this.peek(o);
        if (t.kind === 'eof') return false;
        if (t.kind === 'op' && t.text === '<') d++;
        else if (t.kind === 'op' && t.text === '>') d--;
        else if (t.kind === 'op' && t.text === '>>') d -= 2;
        else if (!(t.kind === 'ident' || (t.kind === 'op' && t.text === ','))) return false;
        if (d <= 0) break;
      }
      o++;
    }
    if (this.isOp('[', o) && this.isOp(']', o + 1)) o += 2;
    const t = this.peek(o);
    return t.kind === 'ident' && !KEYWORDS.has(t.text);
  }

  private typeRef(): TypeRef {
    const t = this.peek();
    const name = this.identName();
    const canon = canonicalType(name);
    if (!canon) this.fail(`unknown type '${name}'`, t);
    if (this.isOp('<')) this.skipGenerics();
    let array = false;
    if (this.isOp('[')) {
      this.next();
      this.expect(']');
      array = true;
      if (!ARRAY_ELEMENT_TYPES.has(canon)) this.fail(`arrays of ${name} are not supported`, t);
      if (this.isOp('[')) this.fail('only 1-dimensional arrays are supported');
    }
    return { name: canon, array };
  }

  private skipGenerics(): void {
    let d = 0;
    do {
      const t = this.next();
      if (t.kind === 'eof') this.fail('unterminated type arguments', t);
      if (t.text === '<') d++;
      else if (t.text === '>') d--;
      else if (t.text === '>>') d -= 2;
    } while (d > 0);
  }

  private declaration(): Stmt {
    const pos = this.pos();
    const type = this.typeRef();
    const decls: Declarator[] = [];
    do {
      const npos = this.pos();
      const name = this.identName();
      if (this.isOp('[')) this.fail('C-style array declarators are not supported');
      let init: Expr | null = null;
      if (this.eat('=')) init = this.isOp('{') ? this.arrayInit() : this.expression();
      decls.push({ name, init, pos: npos });
    } while (this.eat(','));
    return { kind: 'decl', type, decls, pos };
  }

  private forStatement(pos: Pos): Stmt {
    this.next();
    this.expect('(');
    const init: Stmt[] = [];
    if (!this.isOp(';')) {
      if (this.looksLikeDeclaration()) init.push(this.declaration());
      else {
        do {
          const p = this.pos();
          init.push({ kind: 'expr', expr: this.expression(), pos: p });
        } while (this.eat(','));
      }
    }
    this.expect(';');
    const test = this.isOp(';') ? null : this.expression();
    this.expect(';');
    const update: Expr[] = [];
    if (!this.isOp(')')) {
      do update.push(this.expression());
      while (this.eat(','));
    }
    this.expect(')');
    return { kind: 'for', init, test, update, body: this.statement(), pos };
  }

  // ---- expressions
  expression(): Expr {
    this.enter();
    try {
      return this.assignment();
    } finally {
      this.depth--;
    }
  }

  private assignment(): Expr {
    const left = this.conditional();
    const t = this.peek();
    if (t.kind === 'op' && ASSIGN_OPS.has(t.text)) {
      if (left.kind !== 'name' && left.kind !== 'index') this.fail('invalid assignment target', t);
      this.next();
      const value = this.isOp('{') ? this.arrayInit() : this.expression();
      return { kind: 'assign', op: t.text, target: left, value, pos: left.pos };
    }
    return left;
  }

  private conditional(): Expr {
    const test = this.binary(1);
    if (!this.isOp('?')) return test;
    const q = this.next();
    const then = this.expression();
    this.expect(':');
    this.enter();
    try {
      const other = this.conditional();
      return { kind: 'cond', test, then, else: other, pos: this.pos(q) };
    } finally {
      this.depth--;
    }
  }

  /** Each operator of a left-associative chain deepens the tree, so each one counts as depth. */
  private binary(minPrec: number): Expr {
    const base = this.depth;
    try {
      return this.binaryChain(minPrec);
    } finally {
      this.depth = base;
    }
  }

  private binaryChain(minPrec: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') return left;
      const prec = BINARY_PREC[t.text];
      if (prec === undefined || prec < minPrec) return left;
      this.next();
      this.enter();
      const right = this.binary(prec + 1);
      const pos = this.pos(t);
      left =
        t.text === '&&' || t.text === '||'
          ? { kind: 'logical', op: t.text, left, right, pos }
          : { kind: 'binary', op: t.text, left, right, pos };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op') {
      if (t.text === '++' || t.text === '--') {
        this.next();
        const target = this.nested(() => this.unary());
        this.checkUpdatable(target, t);
        return { kind: 'update', op: t.text, prefix: true, target, pos: this.pos(t) };
      }
      if (t.text === '-' || t.text === '+' || t.text === '!' || t.text === '~') {
        this.next();
        const operand = this.nested(() => this.unary());
        if (t.text === '-' && operand.kind === 'lit') {
          const folded = negateLiteral(operand.value);
          if (folded) return { kind: 'lit', value: folded, pos: this.pos(t) };
        }
        return { kind: 'unary', op: t.text, operand, pos: this.pos(t) };
      }
      if (t.text === '(' && this.isCast()) {
        this.next();
        const type = canonicalType(this.next().text) as string;
        this.expect(')');
        const operand = this.nested(() => this.unary());
        return { kind: 'cast', type, operand, pos: this.pos(t) };
      }
    }
    return this.postfix(this.primary());
  }

  private nested<T>(f: () => T): T {
    this.enter();
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private isCast(): boolean {
    const t = this.peek(1);
    if (t.kind !== 'ident' || !this.isOp(')', 2)) return false;
    const canon = canonicalType(t.text);
    if (!canon || canon === 'Map' || canon === 'Object') return false;
    const after = this.peek(3);
    // `(int) -x` is a cast for primitives; for class names Java needs a non +/- operand.
    if (/^[a-z]/.test(t.text)) return after.kind !== 'op' || ['(', '-', '+', '!', '~'].includes(after.text);
    return after.kind !== 'op' || after.text === '(' || after.text === '!';
  }

  private checkUpdatable(target: Expr, t: Token): void {
    if (target.kind !== 'name' && target.kind !== 'index') this.fail(`invalid operand for ${t.text}`, t);
  }

  private postfix(e: Expr): Expr {
    const base = this.depth;
    try {
      return this.postfixChain(e);
    } finally {
      this.depth = base;
    }
  }

  private postfixChain(e: Expr): Expr {
    let expr = e;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') return expr;
      if (t.text === '.' || t.text === '[' || t.text === '++' || t.text === '--') this.enter();
      if (t.text === '.') {
        this.next();
        const nt = this.peek();
        const name = this.identName();
        if (this.isOp('(')) {
          expr = { kind: 'call', object: expr, name, args: this.args(), pos: this.pos(nt) };
        } else {
          expr = { kind: 'member', object: expr, name, pos: this.pos(nt) };
        }
      } else if (t.text === '[') {
        this.next();
        const index = this.expression();
        this.expect(']');
        expr = { kind: 'index', object: expr, index, pos: this.pos(t) };
      } else if (t.text === '++' || t.text === '--') {
        this.checkUpdatable(expr, t);
        this.next();
        expr = { kind: 'update', op: t.text, prefix: false, target: expr, pos: this.pos(t) };
      } else {
        return expr;
      }
    }
  }

  private args(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      do args.push(this.expression());
      while (this.eat(','));
    }
    this.expect(')');
    return args;
  }

  private arrayInit(): Expr {
    const t = this.expect('{');
    const items: Expr[] = [];
    if (!this.isOp('}')) {
      do {
        if (this.isOp('}')) break;
        items.push(this.expression());
      } while (this.eat(','));
    }
    this.expect('}');
    return { kind: 'arrayInit', items, pos: this.pos(t) };
  }

  private primary(): Expr {
    const t = this.peek();
    const pos = this.pos(t);
    switch (t.kind) {
      case 'int': {
        this.next();
        const v = t.num as number;
        return { kind: 'lit', value: v > 2147483647 ? { t: 'long', v: BigInt(v) } : { t: 'int', v }, pos };
      }
      case 'long':
        this.next();
        return { kind: 'lit', value: { t: 'long', v: t.num as bigint }, pos };
      case 'double':
        this.next();
        return { kind: 'lit', value: { t: 'double', v: t.num as number }, pos };
      case 'string':
        this.next();
        return { kind: 'lit', value: { t: 'string', v: t.text }, pos };
      case 'eof':
        return this.fail('unexpected end of input');
      case 'op':
        if (t.text === '(') {
          this.next();
          const e = this.expression();
          this.expect(')');
          return e;
        }
        return this.fail(`unexpected '${t.text}'`);
      case 'ident':
        break;
    }
    if (t.text === 'true' || t.text === 'false') {
      this.next();
      return { kind: 'lit', value: { t: 'boolean', v: t.text === 'true' }, pos };
    }
    if (t.text === 'null') {
      this.next();
      return { kind: 'lit', value: { t: 'null' }, pos };
    }
    if (t.text === 'new') return this.newExpr();
    const name = this.identName();
    if (this.isOp('(')) return { kind: 'call', object: null, name, args: this.args(), pos };
    return { kind: 'name', name, pos };
  }

  private newExpr(): Expr {
    const pos = this.pos(this.next());
    const tt = this.peek();
    const raw = this.identName();
    const canon = canonicalType(raw);
    if (this.isOp('<')) this.skipGenerics();
    if (this.isOp('[')) {
      if (!canon || !ARRAY_ELEMENT_TYPES.has(canon)) this.fail(`arrays of ${raw} are not supported`, tt);
      this.next();
      if (this.eat(']')) {
        if (this.isOp('[')) this.fail('only 1-dimensional arrays are supported');
        const init = this.arrayInit();
        return { kind: 'newArray', type: canon, size: null, init: (init as { items: Expr[] }).items, pos };
      }
      const size = this.expression();
      this.expect(']');
      if (this.isOp('[')) this.fail('only 1-dimensional arrays are supported');
      return { kind: 'newArray', type: canon, size, init: null, pos };
    }
    return { kind: 'new', type: raw, args: this.args(), pos };
  }
}

function negateLiteral(v: LiteralValue): LiteralValue | null {
  switch (v.t) {
    case 'int':
      return { t: 'int', v: -v.v | 0 };
    case 'long':
      return { t: 'long', v: BigInt.asIntN(64, -v.v) };
    case 'double':
      return { t: 'double', v: -v.v };
    default:
      return null;
  }
}
