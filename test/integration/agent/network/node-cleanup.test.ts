/**
 * `pikube-agent --cleanup` against real iptables and routes, in a network namespace of its own
 * per backend: the real RuleApplier, applyPodNetworkRules and NodeRoutes program the node (plus
 * a stray chain in the other backend and the service CIDR's local route), then the cleanup must
 * leave no PIKUBE chain, jump or proto-211 route while Docker-like chains and other routes stay.
 * Every command, the CLI included, runs inside the namespace.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { BACKENDS, detectBackend, type BackendName, type IptablesBackend } from '../../../../agent/network/iptables-backend';
import { renderRuleSet } from '../../../../agent/network/iptables-rules';
import { cleanupNode, type NodeCleanupReport } from '../../../../agent/network/node-cleanup';
import { NodeRoutes } from '../../../../agent/network/node-routes';
import { applyPodNetworkRules } from '../../../../agent/network/pod-network-rules';
import { RuleApplier } from '../../../../agent/network/rule-applier';
import { aServicePort, anEndpoint } from '../../../unit/agent/network/service-port-builder';
import { aTestNetns, type TestNetns } from './netns-fixture';

const AGENT_MAIN = path.resolve(__dirname, '..', '..', '..', '..', 'agent', 'main.js');
const WEB = aServicePort('web').withEndpoints(anEndpoint('10.42.1.5'), anEndpoint('10.42.2.7')).build();
const NODEPORT = aServicePort('np').with({ clusterIP: '10.43.0.30', nodePort: 30080 }).withEndpoints(anEndpoint('10.42.1.5')).build();

/** Docker's chains, as Docker would have put them in the backend it uses. */
const DOCKER_LIKE = [
  '*filter', ':DOCKER - [0:0]', ':DOCKER-USER - [0:0]', '-A DOCKER-USER -s 192.0.2.1/32 -j RETURN', '-A FORWARD -j DOCKER-USER', '-A FORWARD -o docker0 -j DOCKER', 'COMMIT',
  '*nat', ':DOCKER - [0:0]', '-A DOCKER -i docker0 -j RETURN', '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', 'COMMIT', '',
].join('\n');

/** What an older agent may have left in the backend Docker does not use. */
const STRAY = ['*filter', ':PIKUBE-FIREWALL - [0:0]', '-A PIKUBE-FIREWALL -d 127.0.0.0/8 ! -s 127.0.0.0/8 -j DROP', '-A INPUT -m comment --comment "pikube firewall" -j PIKUBE-FIREWALL', 'COMMIT', ''].join('\n');

const OUR_ROUTES = ['-4', '-o', 'route', 'show', 'table', 'all', 'proto', '211'];
const OTHER_ROUTES = ['10.99.0.0/24 via 192.168.77.14 dev v0', 'local 10.98.0.0/24 dev lo table local scope host'];

async function saveAll(ns: TestNetns, backend: IptablesBackend): Promise<string> {
  return (await ns.sh(backend.save, [])).split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/, '')).join('\n');
}

function foreignOnly(saved: string): string {
  return saved.split('\n').filter((l) => !/pikube/i.test(l)).join('\n');
}

async function routesOf(ns: TestNetns, args: string[]): Promise<string[]> {
  return (await ns.sh('ip', args)).split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** A LAN port for routes via peers, Docker's chains, and routes that are not ours. */
async function aNode(dockerBackend: BackendName): Promise<TestNetns> {
  const ns = await aTestNetns(`clean-${dockerBackend}`);
  await ns.sh('ip', ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  for (const dev of ['v0', 'v1']) await ns.sh('ip', ['link', 'set', dev, 'up']);
  await ns.sh('ip', ['addr', 'add', '192.168.77.2/24', 'dev', 'v0']);
  await ns.sh(BACKENDS[dockerBackend].restore, ['--noflush'], DOCKER_LIKE);
  await ns.sh('ip', ['-4', 'route', 'replace', '10.99.0.0/24', 'via', '192.168.77.14']);
  await ns.sh('ip', ['-4', 'route', 'replace', 'local', '10.98.0.0/24', 'dev', 'lo', 'table', 'local']);
  return ns;
}

/** Everything the agent programs on a node, through its own code. */
async function programAsTheAgent(ns: TestNetns, backend: IptablesBackend): Promise<void> {
  const applier = new RuleApplier({ run: ns.run, backend, minSyncIntervalMs: 10 });
  try {
    await applier.apply(renderRuleSet([WEB, NODEPORT], { clusterCIDR: '10.42.0.0/16' }));
  } finally {
    applier.dispose();
  }
  await applyPodNetworkRules(ns.run, backend, { clusterCIDR: '10.42.0.0/16', podCIDR: '10.42.1.0/24' });
  await new NodeRoutes(ns.run).sync([{ destination: '10.42.2.0/24', via: '192.168.77.12' }, { destination: '10.42.3.0/24', via: '192.168.77.13' }]);
  await ns.sh('ip', ['-4', 'route', 'replace', 'local', '10.43.0.0/16', 'dev', 'lo', 'table', 'local', 'proto', '211']);
}

for (const name of ['nft', 'legacy'] as const) {
  const other = name === 'nft' ? BACKENDS.legacy : BACKENDS.nft;

  describe(`node cleanup on real iptables and routes (Docker on ${name}, in a network namespace)`, function () {
    this.timeout(60_000);
    let ns: TestNetns;
    let backend: IptablesBackend;
    let report: NodeCleanupReport;
    const foreign = new Map<string, string>();

    before(async () => {
      ns = await aNode(name);
      backend = await detectBackend(ns.run);
      await programAsTheAgent(ns, backend);
      await ns.sh(other.restore, ['--noflush'], STRAY);
      for (const b of [backend, other]) foreign.set(b.name, foreignOnly(await saveAll(ns, b)));
    });
    after(async () => {
      await ns?.dispose();
    });

    it('starts from a node the agent programmed, in the backend Docker uses', async () => {
      assert.equal(backend.name, name);
      const saved = await saveAll(ns, backend);
      for (const chain of ['PIKUBE-SERVICES', 'PIKUBE-NODEPORTS', 'PIKUBE-POD-FORWARD', 'PIKUBE-POD-POSTROUTING']) assert.match(saved, new RegExp(`^:${chain} `, 'm'));
      assert.match(saved, /^-A DOCKER-USER -j PIKUBE-POD-FORWARD$/m);
      assert.match(await saveAll(ns, other), /^-A INPUT .* -j PIKUBE-FIREWALL$/m);
      assert.equal((await routesOf(ns, OUR_ROUTES)).length, 3);
    });

    it('removes every PIKUBE chain and jump from both backends and leaves Docker\'s chains as they were', async () => {
      report = await cleanupNode(ns.run);
      for (const b of [backend, other]) {
        const saved = await saveAll(ns, b);
        assert.ok(!/pikube/i.test(saved), `${b.name} still holds:\n${saved}`);
        assert.equal(saved, foreign.get(b.name), `${b.name}: foreign rules changed`);
      }
      assert.match(foreign.get(backend.name) ?? '', /^-A FORWARD -j DOCKER-USER$/m);
      const removed = new Map(report.iptables.map((b) => [b.backend, b.chains.length]));
      assert.ok((removed.get(name) ?? 0) > 5 && removed.get(other.name) === 1, JSON.stringify(report.iptables));
    });

    it('removes the proto 211 routes from tables main and local, and keeps the others', async () => {
      assert.deepEqual(await routesOf(ns, OUR_ROUTES), []);
      const left = await routesOf(ns, ['-4', '-o', 'route', 'show', 'table', 'all']);
      for (const route of OTHER_ROUTES) assert.ok(left.includes(route), `"${route}" is gone:\n${left.join('\n')}`);
      assert.deepEqual(report.routes.sort(), ['10.42.2.0/24 via 192.168.77.12 dev v0', '10.42.3.0/24 via 192.168.77.13 dev v0', 'local 10.43.0.0/16 dev lo table local scope host']);
    });

    it('finds nothing to do the second time', async () => {
      const again = await cleanupNode(ns.run);
      assert.deepEqual(again.iptables.map((b) => b.chains.length + b.jumps.length), [0, 0]);
      assert.deepEqual(again.routes, []);
    });

    it('does the same from the command line, `pikube-agent --cleanup`, and exits 0', async () => {
      await programAsTheAgent(ns, backend);
      const r = await ns.run(process.execPath, [AGENT_MAIN, '--cleanup']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`pikube-agent --cleanup: iptables \\(${name}\\): removed \\d+ chains and \\d+ jumps`));
      assert.ok(!/pikube/i.test(await saveAll(ns, backend)));
      assert.deepEqual(await routesOf(ns, OUR_ROUTES), []);
    });
  });
}

describe('pikube-agent --cleanup failing', function () {
  this.timeout(30_000);
  let ns: TestNetns;
  before(async () => {
    ns = await aTestNetns('clean-fail');
  });
  after(async () => {
    await ns?.dispose();
  });

  it('exits non-zero and says why when it cannot run iptables or ip', async () => {
    const r = await ns.run('env', ['PATH=/nonexistent', process.execPath, AGENT_MAIN, '--cleanup']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /pikube-agent --cleanup: no usable iptables: .*iptables-nft-save.*ENOENT/);
    assert.match(r.stderr, /pikube-agent --cleanup: spawn ip ENOENT/);
  });
});
