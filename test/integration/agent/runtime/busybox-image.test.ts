import assert from 'node:assert/strict';
import { ensurePauseImage } from '../../../../agent/runtime/busybox-image';
import { startNodeDocker, type NodeDockerFixture } from '../node-docker-fixture';

describe('pause image on a node without a registry (real dockerd)', function () {
  this.timeout(120_000);
  let node: NodeDockerFixture;

  before(async () => {
    node = await startNodeDocker();
    await node.docker.getImage('pikube/pause:latest').remove({ force: true });
  });
  after(async () => node?.stop());

  it('builds the default pause image from the static busybox when it is missing, once', async () => {
    assert.equal(await ensurePauseImage(node.docker, 'pikube/pause:latest', true), 'built');
    const info = await node.docker.getImage('pikube/pause:latest').inspect();
    assert.deepEqual(info.Config.Cmd, ['/bin/sleep', '2147483647']);
    assert.equal(await ensurePauseImage(node.docker, 'pikube/pause:latest', true), 'present');
  });

  it('leaves a user-chosen pause image to be pulled', async () => {
    assert.equal(await ensurePauseImage(node.docker, 'example.invalid/pause:3.9', false), 'absent');
  });

  it('runs the built pause image as a long-lived container', async () => {
    const container = await node.docker.createContainer({ Image: 'pikube/pause:latest', name: 'pause-check' });
    await container.start();
    assert.equal((await container.inspect()).State.Running, true);
    await container.remove({ force: true });
  });
});
