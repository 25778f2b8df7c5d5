/**
 * install.sh from a built checkout copies the production packages itself (no npm on the Pi):
 * the same set `npm ls --omit=dev` names, each without its nested node_modules (a dev package
 * may sit inside a production one), links kept as links.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyProductionModules, productionCopyPlan, productionPackagePaths } from '../../../../scripts/install/production-modules';

const ROOT = path.join(__dirname, '../../../../..');

function tree(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(prefix, e.name);
    return e.isDirectory() ? [`${p}/`, ...tree(dir, p)] : e.isSymbolicLink() ? [`${p} -> ${readlinkSync(path.join(dir, p))}`] : [p];
  }).sort();
}

describe('production modules of a checkout (install.sh without npm)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pkut-prodmods-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const pkg = (p: string): void => {
    mkdirSync(path.join(dir, 'src', p), { recursive: true });
    writeFileSync(path.join(dir, 'src', p, 'index.js'), `// ${p}\n`);
  };

  it('lists the lockfile\'s packages without dev: true, devOptional kept, parents first', () => {
    const lock = { packages: {
      '': { name: 'x' }, 'node_modules/b': {}, 'node_modules/a': { dev: true }, 'node_modules/b/node_modules/c': { devOptional: true },
      'node_modules/@s/d': { optional: true }, 'vendor/e': {},
    } };
    assert.deepEqual(productionPackagePaths(lock), ['node_modules/@s/d', 'node_modules/b', 'node_modules/b/node_modules/c']);
  });

  it('copies the outermost production packages whole and removes the dev packages nested in them', () => {
    const lock = { packages: {
      'node_modules/a': {}, 'node_modules/a/node_modules/b': {}, 'node_modules/a/node_modules/c': { dev: true }, 'node_modules/@s/d': {},
      'node_modules/e': { dev: true }, 'node_modules/e/node_modules/f': { dev: true },
    } };
    assert.deepEqual(productionCopyPlan(lock), { copy: ['node_modules/@s/d', 'node_modules/a'], remove: ['node_modules/a/node_modules/c'] });
  });

  it('refuses a dev package path that would reach outside the copy', () => {
    assert.throws(() => productionCopyPlan({ packages: { 'node_modules/a': {}, 'node_modules/a/../../../etc': { dev: true } } }), /not node_modules\/NAME/);
  });

  for (const [name, key] of [['a parent directory', 'node_modules/../../etc'], ['a path outside node_modules', 'node_modules/a/../../x'], ['an absolute path', 'node_modules//etc']] as const) {
    it(`refuses a lockfile naming ${name}`, () => {
      assert.throws(() => productionPackagePaths({ packages: { [key]: {} } }), /not node_modules\/NAME/);
    });
  }

  it('refuses a lockfile without packages (lockfileVersion 1)', () => {
    assert.throws(() => productionPackagePaths({ lockfileVersion: 1, dependencies: {} }), /no "packages"/);
  });

  it('copies production packages without the dev ones, nested or not, and keeps a link as a link', () => {
    for (const p of ['node_modules/prod', 'node_modules/prod/node_modules/nested-prod', 'node_modules/prod/node_modules/nested-dev', 'node_modules/devtool', 'node_modules/.bin', 'vendor/stand-in']) pkg(p);
    symlinkSync('../vendor/stand-in', path.join(dir, 'src', 'node_modules', 'linked'));
    writeFileSync(path.join(dir, 'src', 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: {
      '': {}, 'node_modules/prod': {}, 'node_modules/prod/node_modules/nested-prod': {}, 'node_modules/prod/node_modules/nested-dev': { dev: true },
      'node_modules/devtool': { dev: true }, 'node_modules/linked': { link: true, resolved: 'vendor/stand-in' }, 'vendor/stand-in': {},
    } }));
    copyProductionModules(path.join(dir, 'src'), path.join(dir, 'out'));
    assert.deepEqual(tree(path.join(dir, 'out')), [
      'node_modules/', 'node_modules/linked -> ../vendor/stand-in', 'node_modules/prod/', 'node_modules/prod/index.js',
      'node_modules/prod/node_modules/', 'node_modules/prod/node_modules/nested-prod/', 'node_modules/prod/node_modules/nested-prod/index.js',
    ]);
    assert.equal(readFileSync(path.join(dir, 'out', 'node_modules', 'prod', 'index.js'), 'utf8'), '// node_modules/prod\n');
  });

  it('refuses a node_modules that lacks a package the lockfile lists', () => {
    pkg('node_modules/prod');
    writeFileSync(path.join(dir, 'src', 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/prod': {}, 'node_modules/gone': {} } }));
    assert.throws(() => copyProductionModules(path.join(dir, 'src'), path.join(dir, 'out')), /missing \S+\/src\/node_modules\/gone: node_modules does not match package-lock.json/);
  });

  it('names the same packages as npm ls --omit=dev for this repository', function () {
    this.timeout(30_000);
    const r = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const npm = r.stdout.split('\n').filter((l) => l.startsWith(`${ROOT}${path.sep}`)).map((l) => path.relative(ROOT, l)).sort();
    const lock = productionPackagePaths(JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as unknown);
    assert.ok(lock.includes('node_modules/dockerode'), 'no dockerode: the comparison would prove nothing');
    assert.deepEqual(lock, npm);
  });
});
