const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Appends an object key to a JSON path. Keys that are not plain identifiers (step ids such as
 * `job.2`) are bracketed and quoted so that the path stays unambiguous.
 */
export function keyPath(path: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Appends an array index to a JSON path. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
