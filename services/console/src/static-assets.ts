import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The built browser app, read once at start into memory: the URL only ever picks a key of this map,
 * so no request path is ever joined onto the file system. `index.html` is the app's one page.
 */
export function loadAssets(dir: string): { index: Asset; byName: Map<string, Asset> } {
  const byName = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    byName.set(name, { body: readFileSync(file), type: TYPES[extname(name)] ?? 'application/octet-stream' });
  }
  const index = byName.get('index.html');
  if (!index)
    throw new Error(`the console's web app is not built: no index.html in ${dir} (run npm run build)`);
  return { index, byName };
}
