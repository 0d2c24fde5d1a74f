/**
 * The one error type of @baton/sel. `code` is stable and closed so callers can branch on it;
 * `line`/`column` are 1-based positions in the SEL source (0 when the error has no position).
 */
export type SelErrorCode =
  | 'SYNTAX' // the source does not parse
  | 'VALIDATION' // static validation failed (unknown identifier/method, type error)
  | 'TYPE' // a runtime value has the wrong type
  | 'RUNTIME' // other runtime failure (index out of range, division by zero, bad argument)
  | 'THROWN' // the script executed `throw "message"`
  | 'PARAM' // the parameter host failed or a parameter is missing
  | 'CONVERSION' // a result does not fit the requested Maestro param type
  | 'INTERPOLATION' // a $name / ${name} reference is malformed or unknown
  | 'LIMIT_STEPS'
  | 'LIMIT_LOOP'
  | 'LIMIT_ARRAY'
  | 'LIMIT_STRING'
  | 'LIMIT_DEPTH'
  | 'LIMIT_TIME'
  | 'LIMIT_SOURCE';

export class SelError extends Error {
  override readonly name = 'SelError';
  constructor(
    readonly code: SelErrorCode,
    message: string,
    readonly line = 0,
    readonly column = 0,
  ) {
    super(line > 0 ? `${message} (line ${line}, column ${column})` : message);
  }

  /** The message without the position suffix. */
  get detail(): string {
    const m = this.message;
    const i = m.lastIndexOf(' (line ');
    return this.line > 0 && i >= 0 ? m.slice(0, i) : m;
  }

  /** Same error at a position, unless it already has one. */
  at(line: number, column: number): SelError {
    if (this.line > 0 || line <= 0) return this;
    return new SelError(this.code, this.detail, line, column);
  }
}

export function isLimitCode(code: SelErrorCode): boolean {
  return code.startsWith('LIMIT_');
}
