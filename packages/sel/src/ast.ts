/** SEL syntax tree. Every node carries its 1-based source position. */

export interface Pos {
  line: number;
  column: number;
}

/** A declared type: `int`, `String`, `long[]`, `Map`, `DateTime`... (1-D arrays only). */
export interface TypeRef {
  name: string;
  array: boolean;
}

export type Expr =
  | { kind: 'lit'; value: LiteralValue; pos: Pos }
  | { kind: 'name'; name: string; pos: Pos }
  | { kind: 'member'; object: Expr; name: string; pos: Pos }
  | { kind: 'call'; object: Expr | null; name: string; args: Expr[]; pos: Pos }
  | { kind: 'index'; object: Expr; index: Expr; pos: Pos }
  | { kind: 'new'; type: string; args: Expr[]; pos: Pos }
  | { kind: 'newArray'; type: string; size: Expr | null; init: Expr[] | null; pos: Pos }
  | { kind: 'arrayInit'; items: Expr[]; pos: Pos }
  | { kind: 'unary'; op: string; operand: Expr; pos: Pos }
  | { kind: 'update'; op: '++' | '--'; prefix: boolean; target: Expr; pos: Pos }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; pos: Pos }
  | { kind: 'logical'; op: '&&' | '||'; left: Expr; right: Expr; pos: Pos }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; pos: Pos }
  | { kind: 'assign'; op: string; target: Expr; value: Expr; pos: Pos }
  | { kind: 'cast'; type: string; operand: Expr; pos: Pos };

export type LiteralValue =
  | { t: 'int'; v: number }
  | { t: 'long'; v: bigint }
  | { t: 'double'; v: number }
  | { t: 'string'; v: string }
  | { t: 'boolean'; v: boolean }
  | { t: 'null' };

export interface Declarator {
  name: string;
  init: Expr | null;
  pos: Pos;
}

export type Stmt =
  | { kind: 'expr'; expr: Expr; pos: Pos }
  | { kind: 'decl'; type: TypeRef; decls: Declarator[]; pos: Pos }
  | { kind: 'block'; body: Stmt[]; pos: Pos }
  | { kind: 'if'; test: Expr; then: Stmt; else: Stmt | null; pos: Pos }
  | { kind: 'while'; test: Expr; body: Stmt; pos: Pos }
  | { kind: 'doWhile'; test: Expr; body: Stmt; pos: Pos }
  | { kind: 'for'; init: Stmt[]; test: Expr | null; update: Expr[]; body: Stmt; pos: Pos }
  | { kind: 'break'; pos: Pos }
  | { kind: 'continue'; pos: Pos }
  | { kind: 'return'; value: Expr | null; pos: Pos }
  | { kind: 'throw'; value: Expr; pos: Pos }
  | { kind: 'empty'; pos: Pos };

export interface Program {
  body: Stmt[];
  source: string;
}
