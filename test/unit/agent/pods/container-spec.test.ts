import assert from 'node:assert/strict';
import type { Container } from '../../../../api/core-v1';
import { appContainerSpec, containerHash, sandboxSpec, type AppContext } from '../../../../agent/pods/container-spec';
import { identityOf } from '../../../../agent/pods/docker-labels';
import { aPod } from './pod-builder';

function contextFor(pod = aPod('web', 'uid-1').build()): AppContext {
  return {
    pod, nodeName: 'pi1', hostIP: '192.168.1.11', podIP: '10.42.1.7', imageRef: 'pikube/busybox:latest',
    cgroupParent: '/pikube-pi1', sandboxId: 'abc123', restartCount: 2, gracePeriodSeconds: 30,
  };
}

function specOf(c: Partial<Container>) {
  const pod = aPod('web', 'uid-1').withContainer({ name: 'app', ...c }).build();
  const r = appContainerSpec(pod, pod.spec.containers[0], contextFor(pod));
  if (!r.ok) throw new Error(r.message);
  return r.spec;
}

describe('container spec', () => {
  it('names containers as dockershim did and labels them for re-adoption', () => {
    const spec = specOf({});
    assert.equal(spec.name, 'k8s_app_web_default_uid-1_2');
    const id = identityOf(spec.labels);
    assert.deepEqual({ ...id, hash: undefined }, {
      podUid: 'uid-1', podName: 'web', podNamespace: 'default', containerName: 'app', kind: 'container', restartCount: 2, hash: undefined, gracePeriodSeconds: 30,
    });
    assert.match(id?.hash ?? '', /^[0-9a-f]{16}$/);
  });

  it("keeps stdin open and gives a terminal as the container's stdin, stdinOnce and tty ask (kubectl attach, run -it)", () => {
    const pick = (c: Partial<Container>): unknown => {
      const spec = specOf(c);
      return { stdin: spec.stdin, stdinOnce: spec.stdinOnce, tty: spec.tty };
    };
    assert.deepEqual(pick({}), { stdin: false, stdinOnce: false, tty: false });
    assert.deepEqual(pick({ stdin: true, stdinOnce: true, tty: true }), { stdin: true, stdinOnce: true, tty: true });
    assert.deepEqual(pick({ stdinOnce: true }), { stdin: false, stdinOnce: false, tty: false });
    assert.deepEqual(pick({ stdin: true, tty: false }), { stdin: true, stdinOnce: false, tty: false });
  });

  it('joins the pause container network and the configured cgroup parent', () => {
    const spec = specOf({});
    assert.equal(spec.networkMode, 'container:abc123');
    assert.equal(spec.cgroupParent, '/pikube-pi1');
  });

  it('maps command to entrypoint and args to cmd, leaving unset ones to the image', () => {
    assert.deepEqual([specOf({ command: ['sh', '-c'], args: ['echo hi'] }).entrypoint, specOf({ command: ['sh', '-c'], args: ['echo hi'] }).cmd], [['sh', '-c'], ['echo hi']]);
    assert.deepEqual([specOf({ args: ['x'] }).entrypoint, specOf({ args: ['x'] }).cmd], [undefined, ['x']]);
    assert.deepEqual([specOf({}).entrypoint, specOf({}).cmd], [undefined, undefined]);
  });

  it('resolves env values, downward-API fields and $(VAR) references in env, command and args', () => {
    const spec = specOf({
      command: ['echo', '$(GREETING)'],
      args: ['--ip=$(MY_IP)', '$$(MY_IP)'],
      env: [
        { name: 'NAME', value: 'world' },
        { name: 'GREETING', value: 'hello $(NAME)' },
        { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      ],
    });
    assert.deepEqual(spec.env, ['NAME=world', 'GREETING=hello world', 'MY_IP=10.42.1.7', 'POD=web', 'NS=default', 'UID=uid-1', 'NODE=pi1', 'HOST=192.168.1.11']);
    assert.deepEqual(spec.entrypoint, ['echo', 'hello world']);
    assert.deepEqual(spec.cmd, ['--ip=10.42.1.7', '$(MY_IP)']);
  });

  it('sets limits and working dir, and exposes no ports on a container sharing the pod network', () => {
    const spec = specOf({ workingDir: '/www', ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }], resources: { limits: { memory: '32Mi', cpu: '250m' } } });
    assert.equal(spec.workingDir, '/www');
    assert.equal('exposedPorts' in spec, false);
    assert.deepEqual([spec.memoryBytes, spec.cpuQuota, spec.cpuPeriod, spec.cpuShares], [33_554_432, 25_000, 100_000, 256]);
  });

  const configErrors: [string, Partial<Container>, RegExp][] = [
    ['a configMapKeyRef', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, /configmap "cfg" not found/],
    ['a secretKeyRef', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'pw', key: 'k' } } }] }, /secret "pw" not found/],
    ['envFrom a config map', { envFrom: [{ configMapRef: { name: 'cfg' } }] }, /configmap "cfg" not found/],
    ['an unknown fieldRef', { env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }] }, /unsupported fieldRef/],
    ['a malformed quantity', { resources: { limits: { cpu: 'lots' } } }, /resources\.limits\.cpu/],
  ];
  for (const [what, c, message] of configErrors) {
    it(`fails with CreateContainerConfigError on ${what}, never dropping it silently`, () => {
      const pod = aPod('web', 'uid-1').withContainer({ name: 'app', ...c }).build();
      const r = appContainerSpec(pod, pod.spec.containers[0], contextFor(pod));
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.reason, 'CreateContainerConfigError');
        assert.match(r.message, message);
      }
    });
  }

  describe('with service variables', () => {
    const serviceEnv = new Map([['WEB_SERVICE_HOST', '10.43.0.7'], ['WEB_SERVICE_PORT', '80'], ['KUBERNETES_SERVICE_HOST', '10.43.0.1']]);
    const withServices = (c: Partial<Container>) => {
      const pod = aPod('web', 'uid-1').withContainer({ name: 'app', ...c }).build();
      const r = appContainerSpec(pod, pod.spec.containers[0], { ...contextFor(pod), serviceEnv });
      if (!r.ok) throw new Error(r.message);
      return r.spec;
    };

    it('adds them after the container\'s own env, which wins over a service variable of the same name', () => {
      const spec = withServices({ env: [{ name: 'WEB_SERVICE_PORT', value: '8080' }, { name: 'A', value: '1' }] });
      assert.deepEqual(spec.env, ['WEB_SERVICE_PORT=8080', 'A=1', 'WEB_SERVICE_HOST=10.43.0.7', 'KUBERNETES_SERVICE_HOST=10.43.0.1']);
    });

    it('expands $(VAR) in env values from earlier env, then service variables', () => {
      const spec = withServices({
        env: [
          { name: 'URL', value: 'http://$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT)/' },
          { name: 'WEB_SERVICE_PORT', value: '8080' },
          { name: 'URL2', value: '$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT)' },
        ],
      });
      assert.deepEqual(spec.env?.slice(0, 3), ['URL=http://10.43.0.7:80/', 'WEB_SERVICE_PORT=8080', 'URL2=10.43.0.7:8080']);
    });

    it('expands $(VAR) in command and args from the final environment', () => {
      const spec = withServices({ command: ['wget', 'http://$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT)'], args: ['$(KUBERNETES_SERVICE_HOST)', '$(NOPE)'], env: [{ name: 'WEB_SERVICE_PORT', value: '8080' }] });
      assert.deepEqual(spec.entrypoint, ['wget', 'http://10.43.0.7:8080']);
      assert.deepEqual(spec.cmd, ['10.43.0.1', '$(NOPE)']);
    });

    it('keeps the config hash when only the services change (no restart for a new service)', () => {
      const a = withServices({});
      const pod = aPod('web', 'uid-1').withContainer({ name: 'app' }).build();
      const r = appContainerSpec(pod, pod.spec.containers[0], { ...contextFor(pod), serviceEnv: new Map() });
      assert.ok(r.ok);
      assert.equal(identityOf(r.spec.labels)?.hash, identityOf(a.labels)?.hash);
    });
  });

  it('hashes a container spec independently of key order', () => {
    const a: Container = { name: 'app', image: 'x:1', args: ['a'], env: [{ name: 'A', value: '1' }] };
    const b = { env: [{ value: '1', name: 'A' }], args: ['a'], image: 'x:1', name: 'app' } as Container;
    assert.equal(containerHash(a), containerHash(b));
    assert.notEqual(containerHash(a), containerHash({ ...a, image: 'x:2' }));
  });

  it('gives the pause container the pod hostname, its attempt and no resources', () => {
    const pod = aPod('web', 'uid-1').build();
    const spec = sandboxSpec(pod, { pauseImage: 'pikube/pause:latest', cgroupParent: '/pikube-pi1', attempt: 1, gracePeriodSeconds: 30 });
    assert.equal(spec.name, 'k8s_POD_web_default_uid-1_1');
    assert.equal(spec.hostname, 'web');
    assert.equal(identityOf(spec.labels)?.kind, 'podsandbox');
    assert.equal(spec.networkMode, undefined);
    assert.equal(spec.memoryBytes, undefined);
  });
});

describe('container spec of a hostNetwork pod', () => {
  it('puts the pause container in the host network, keeping the node hostname', () => {
    const pod = aPod('agent', 'uid-2').build();
    pod.spec.hostNetwork = true;
    const spec = sandboxSpec(pod, { pauseImage: 'pikube/pause:latest', cgroupParent: '/p', attempt: 0, gracePeriodSeconds: 30 });
    assert.equal(spec.networkMode, 'host');
    assert.equal(spec.hostname, undefined);
  });

  it('keeps a hostNetwork pod on the host even when a pod network is given', () => {
    const pod = aPod('agent', 'uid-2').build();
    pod.spec.hostNetwork = true;
    const spec = sandboxSpec(pod, { pauseImage: 'pikube/pause:latest', cgroupParent: '/p', attempt: 0, gracePeriodSeconds: 30, networkName: 'pikube' });
    assert.equal(spec.networkMode, 'host');
  });
});

describe('container spec on the pod network', () => {
  it('puts the pause container on the named network, with the pod hostname', () => {
    const spec = sandboxSpec(aPod('web', 'uid-3').build(), { pauseImage: 'pikube/pause:latest', cgroupParent: '/p', attempt: 0, gracePeriodSeconds: 30, networkName: 'pikube' });
    assert.equal(spec.networkMode, 'pikube');
    assert.equal(spec.hostname, 'web');
  });

  it('tells Docker\'s IPAM the address the agent leased, and labels it', () => {
    const spec = sandboxSpec(aPod('web', 'uid-3').build(), { pauseImage: 'pikube/pause:latest', cgroupParent: '/p', attempt: 0, gracePeriodSeconds: 30, networkName: 'pikube', podIP: '10.42.1.7' });
    assert.equal(spec.ipv4Address, '10.42.1.7');
    assert.equal(spec.labels['io.pikube.pod-ip'], '10.42.1.7');
    assert.equal(spec.extraHosts, undefined, 'Docker writes the pod\'s hosts line on its own networks');
  });

  it('on no Docker network (the agent attaches a veth), writes the pod\'s hostname line into /etc/hosts itself', () => {
    const spec = sandboxSpec(aPod('web', 'uid-3').build(), { pauseImage: 'pikube/pause:latest', cgroupParent: '/p', attempt: 0, gracePeriodSeconds: 30, networkName: 'none', podIP: '10.42.1.7' });
    assert.equal(spec.networkMode, 'none');
    assert.deepEqual(spec.extraHosts, ['web:10.42.1.7']);
    assert.equal(spec.ipv4Address, undefined);
  });
});
