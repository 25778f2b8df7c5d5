/**
 * The production dependencies of a built checkout, copied for install.sh without npm: what
 * `npm ci --omit=dev` would install from the same lockfile (as `npm run release` packs it), taken
 * from the checkout's own node_modules. A Pi may have Node.js without npm, and installing needs
 * no network this way.
 *
 * A package is production when `package-lock.json` lists it without `"dev": true` (npm's
 * `--omit=dev` keeps `devOptional` ones: they are also an optional dependency of a production
 * one). Each package directory is copied without its nested node_modules, which hold packages
 * with entries of their own (a dev package may sit inside a production one); a `link` entry
 * (`file:` dependencies such as vendor/ssh2-absent) is copied as its symlink.
 *
 *   node dist/scripts/install/production-modules.js SOURCE TARGET   (TARGET/node_modules must not exist)
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  dev?: unknown;
  link?: unknown;
}

/** `node_modules/a`, `node_modules/@s/a/node_modules/b`: no `..`, nothing outside node_modules. */
const PACKAGE_PATH = /^node_modules\/(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+(\/node_modules\/(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+)*$/i;

function lockEntries(lock: unknown): [string, LockEntry][] {
  const packages = (lock as { packages?: unknown } | null)?.packages;
  if (typeof packages !== 'object' || packages === null) throw new Error('package-lock.json has no "packages" (lockfileVersion 2 or 3 is needed)');
  return Object.entries(packages as Record<string, unknown>).map(([key, value]) => [key, (typeof value === 'object' && value !== null ? value : {}) as LockEntry]);
}

/** The node_modules paths of the production packages, parents before their nested packages. Pure. */
export function productionPackagePaths(lock: unknown): string[] {
  const paths = lockEntries(lock).filter(([key, entry]) => key.startsWith('node_modules/') && entry.dev !== true).map(([key]) => key);
  const bad = paths.filter((p) => !PACKAGE_PATH.test(p) || p.split('/').includes('..'));
  if (bad.length > 0) throw new Error(`package-lock.json lists package paths that are not node_modules/NAME: ${bad.join(', ')}`);
  return paths.sort();
}

function copyPackage(source: string, target: string, relative: string): void {
  const from = path.join(source, relative);
  const to = path.join(target, relative);
  const stat = lstatSync(from, { throwIfNoEntry: false });
  if (!stat) throw new Error(`${from} is missing: node_modules does not match package-lock.json (run npm ci)`);
  mkdirSync(path.dirname(to), { recursive: true });
  const nested = path.join(from, 'node_modules');
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, filter: (src) => src !== nested });
}

/** Copies SOURCE's production packages into TARGET/node_modules; returns their paths. */
export function copyProductionModules(source: string, target: string): string[] {
  if (existsSync(path.join(target, 'node_modules'))) throw new Error(`${target}/node_modules already exists`);
  const paths = productionPackagePaths(JSON.parse(readFileSync(path.join(source, 'package-lock.json'), 'utf8')) as unknown);
  mkdirSync(path.join(target, 'node_modules'), { recursive: true });
  for (const p of paths) copyPackage(source, target, p);
  return paths;
}

if (require.main === module) {
  const [source, target] = process.argv.slice(2);
  if (!source || !target) {
    process.stderr.write('usage: production-modules.js SOURCE TARGET\n');
    process.exit(2);
  }
  try {
    copyProductionModules(source, target);
  } catch (err: unknown) {
    process.stderr.write(`production-modules: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
