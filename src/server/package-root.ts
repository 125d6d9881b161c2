import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory holding opsdeck's package.json, found by walking up from this module, so the same
 * code works from src/ (tsx, vitest) and from dist/ (after `tsc`).
 */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'opsdeck') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`opsdeck package.json not found above ${from}`);
    dir = parent;
  }
}

/** Where `npm run build:web` writes the dashboard. */
export function webDistDir(): string {
  return path.join(packageRoot(), 'web', 'dist');
}
