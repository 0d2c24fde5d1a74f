/** Type names SEL accepts in declarations, casts and `new`. */

const PRIMITIVES: ReadonlyMap<string, string> = new Map([
  ['int', 'int'], ['Integer', 'int'], ['short', 'int'], ['Short', 'int'], ['byte', 'int'], ['Byte', 'int'],
  ['char', 'String'], ['Character', 'String'],
  ['long', 'long'], ['Long', 'long'],
  ['double', 'double'], ['Double', 'double'], ['float', 'double'], ['Float', 'double'],
  ['boolean', 'boolean'], ['Boolean', 'boolean'],
  ['String', 'String'],
  ['Map', 'Map'], ['HashMap', 'Map'],
  ['Object', 'Object'],
  ['DateTime', 'DateTime'], ['DateTimeZone', 'DateTimeZone'], ['DateTimeFormatter', 'DateTimeFormatter'],
  ['Days', 'Days'], ['UUID', 'UUID'], ['Property', 'Property'],
]);

/** Canonical type for a source type name (`Integer` -> `int`), or undefined if not a type. */
export function canonicalType(name: string): string | undefined {
  return PRIMITIVES.get(name);
}

export const ARRAY_ELEMENT_TYPES: ReadonlySet<string> = new Set(['int', 'long', 'double', 'boolean', 'String', 'Object']);

export const KEYWORDS: ReadonlySet<string> = new Set([
  'if', 'else', 'for', 'while', 'do', 'break', 'continue', 'return', 'throw', 'new', 'true', 'false', 'null',
  'class', 'import', 'package', 'try', 'catch', 'finally', 'switch', 'case', 'default', 'this', 'super',
  'instanceof', 'void', 'static', 'final', 'public', 'private', 'protected', 'synchronized', 'goto', 'const',
  'var', 'enum', 'interface', 'extends', 'implements', 'native', 'transient', 'volatile', 'assert', 'throws',
]);
