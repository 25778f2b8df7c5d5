/**
 * pikube runs on arm64, armv7 and amd64 from one release: its production dependencies must be
 * pure JavaScript. Every package `npm ls --omit=dev` lists is searched for a compiled addon
 * (`.node`) or the recipe of one (`binding.gyp`): ssh2 and its optional cpu-features, which
 * docker-modem pulls in, are replaced by vendor/ssh2-absent for that reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../../..');

function productionPackageDirs(): string[] {
  const r = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l && l !== ROOT);
}

/** Files under `dir` (its own nested node_modules included) that make or are a native addon. */
function nativeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && (e.name.endsWith('.node') || e.name === 'binding.gyp'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('production dependencies', function () {
  this.timeout(30_000);

  it('carry no native addon: no .node file, no binding.gyp', () => {
    const dirs = productionPackageDirs();
    assert.ok(dirs.some((d) => d.endsWith(`${path.sep}dockerode`)), 'npm ls listed no dockerode: the check would see nothing');
    assert.deepEqual(dirs.flatMap(nativeFiles), []);
  });

  it('load ssh2 as the stand-in that refuses ssh:// Docker hosts', () => {
    const dirs = productionPackageDirs();
    assert.ok(!dirs.some((d) => /cpu-features|nan$/.test(d)), dirs.join('\n'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ssh2 = require(path.join(ROOT, 'node_modules', 'ssh2')) as { Client: new () => unknown };
    assert.throws(() => new ssh2.Client(), /ssh:\/\/ Docker hosts are not supported by pikube/);
  });
});
