import assert from 'node:assert/strict';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { downCluster, upCluster, type Cluster } from '../../../../scripts/cluster/cluster';
import { dockerClient } from '../../../../scripts/cluster/cluster-node';
import { loadImages } from '../../../../scripts/cluster/image-load';
import { TEST_IMAGE } from '../../../../scripts/cluster/test-image';

describe('image-load', function () {
  this.timeout(120_000);
  let cluster: Cluster | undefined;
  let dir: string;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-it-'));
    cluster = await upCluster({ baseDir: path.join(dir, 'cluster'), removeBaseDir: true, parts: { etcd: false } });
  });

  after(async () => {
    if (cluster) await downCluster(cluster);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads a `docker save` archive into every node', async () => {
    const [pi1, pi2] = (cluster as Cluster).nodes;
    await dockerClient(pi1).getImage(TEST_IMAGE).tag({ repo: 'example/side-loaded', tag: '1.0' });
    const archive = path.join(dir, 'side-loaded.tar');
    await pipeline(await dockerClient(pi1).getImage('example/side-loaded:1.0').get(), createWriteStream(archive));
    const said: string[] = [];
    await loadImages(cluster as Cluster, [archive], (l) => said.push(l));
    const tags = (await dockerClient(pi2).listImages()).flatMap((i) => i.RepoTags ?? []);
    assert.ok(tags.includes('example/side-loaded:1.0'), `pi2 has ${tags.join(', ')}`);
    assert.ok(said.some((l) => l.startsWith('pi2: ') && l.includes('example/side-loaded:1.0')), said.join('\n'));
  });

  it("says so when an image name is given and the machine's Docker does not answer", async function () {
    if (existsSync('/var/run/docker.sock')) this.skip();
    await assert.rejects(loadImages(cluster as Cluster, ['example/absent:1.0'], () => undefined), /no Docker daemon answers on \/var\/run\/docker\.sock.*\.tar/s);
  });
});
