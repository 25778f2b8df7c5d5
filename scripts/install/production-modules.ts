/**
 * The production dependencies of a built checkout, copied for install.sh without npm: what
 * `npm ci --omit=dev` would install from the same lockfile (as `npm run release` packs it), taken
 * from the checkout's own node_modules. A Pi may have Node.js without npm, and installing needs
 * no network this way.
 *
 * A package is production when `package-lock.json` lists it without `"dev": true` (npm's
 * `--omit=dev` keeps `devOptional` ones: they are also an optional dependency of a production
 * one). The outermost production packages are copied whole by one `cp -a` (a native copy: a
 * copy file by file from Node took 32 s for 2,400 files in the VM tier, over 9p under TCG), a
 * `link` entry (`file:` dependencies such as vendor/ssh2-absent) as its symlink; then the dev
 * packages nested in them (a dev package may sit inside a production one) are removed.
 *
 *   node dist/scripts/install/production-modules.js SOURCE TARGET   (TARGET/node_modules must not exist)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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

/** Every package entry (node_modules/…) of the lockfile, each path checked: it names a place under node_modules. */
function packageEntries(lock: unknown): [string, LockEntry][] {
  const entries = lockEntries(lock).filter(([key]) => key.startsWith('node_modules/'));
  const bad = entries.map(([key]) => key).filter((p) => !PACKAGE_PATH.test(p) || p.split('/').includes('..'));
  if (bad.length > 0) throw new Error(`package-lock.json lists package paths that are not node_modules/NAME: ${bad.join(', ')}`);
  return entries;
}

/** The node_modules paths of the production packages, parents before their nested packages. Pure. */
export function productionPackagePaths(lock: unknown): string[] {
  return packageEntries(lock).filter(([, entry]) => entry.dev !== true).map(([key]) => key).sort();
}

/** The package a nested package path sits in: `node_modules/a/node_modules/b` → `node_modules/a`. */
function parentPackage(p: string): string | undefined {
  const at = p.lastIndexOf('/node_modules/');
  return at < 0 ? undefined : p.slice(0, at);
}

export interface CopyPlan {
  /** Production packages not nested in another one: copied whole, nested node_modules included. */
  copy: string[];
  /** Dev packages nested in a copied one: removed from the copy. */
  remove: string[];
}

/** What to copy and what to remove after, from the lockfile. Pure. */
export function productionCopyPlan(lock: unknown): CopyPlan {
  const production = productionPackagePaths(lock);
  const kept = new Set(production);
  const copy = production.filter((p) => !kept.has(parentPackage(p) ?? ''));
  const remove = packageEntries(lock).map(([key]) => key).filter((k) => !kept.has(k) && copy.some((c) => k.startsWith(`${c}/`))).sort();
  return { copy, remove };
}

/** Copies SOURCE's production packages into TARGET/node_modules; returns their paths. */
export function copyProductionModules(source: string, target: string): string[] {
  if (existsSync(path.join(target, 'node_modules'))) throw new Error(`${target}/node_modules already exists`);
  const lock = JSON.parse(readFileSync(path.join(source, 'package-lock.json'), 'utf8')) as unknown;
  const plan = productionCopyPlan(lock);
  const production = productionPackagePaths(lock);
  const missing = production.filter((p) => !lstatSync(path.join(source, p), { throwIfNoEntry: false }));
  if (missing.length > 0) throw new Error(`missing ${missing.map((p) => path.join(source, p)).join(', ')}: node_modules does not match package-lock.json (run npm ci)`);
  mkdirSync(path.join(target, 'node_modules'), { recursive: true });
  if (plan.copy.length > 0) execFileSync('cp', ['-a', '--parents', '-t', target, '--', ...plan.copy], { cwd: source, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const p of plan.remove) rmSync(path.join(target, p), { recursive: true, force: true });
  return production;
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
