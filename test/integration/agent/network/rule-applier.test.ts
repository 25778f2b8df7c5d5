/**
 * The rule applier against real iptables, in a network namespace of its own per backend
 * (nft and legacy): restore, change, drift repair, cleanup — with a Docker-like foreign
 * chain that must stay untouched throughout.
 */
import assert from 'node:assert/strict';
import { BACKENDS, detectBackend, type IptablesBackend } from '../../../../agent/network/iptables-backend';
import { renderRuleSet, type RuleSet } from '../../../../agent/network/iptables-rules';
import { RuleApplier } from '../../../../agent/network/rule-applier';
import type { ServicePortModel } from '../../../../agent/network/service-model';
import { aServicePort, anEndpoint } from '../../../unit/agent/network/service-port-builder';
import { until } from '../../../../scripts/cluster/wait-until';
import { aTestNetns, type TestNetns } from './netns-fixture';

const OPTIONS = { clusterCIDR: '10.42.0.0/16' };
const WEB = aServicePort('web').withEndpoints(anEndpoint('10.42.1.5'), anEndpoint('10.42.2.7'), anEndpoint('10.42.3.9')).build();
const NODEPORT = aServicePort('np').with({ clusterIP: '10.43.0.30', nodePort: 30080, affinityTimeoutSeconds: 600 }).withEndpoints(anEndpoint('10.42.1.5')).build();
const GONE = aServicePort('gone').with({ clusterIP: '10.43.0.40' }).withEndpoints(anEndpoint('10.42.4.4')).build();
const EMPTY = aServicePort('empty').with({ clusterIP: '10.43.0.50' }).build();

/** Docker's chains, as Docker would have put them in this backend. */
const FOREIGN = [
  '*filter', ':DOCKER-USER - [0:0]', '-A DOCKER-USER -s 192.0.2.1/32 -j RETURN', '-A FORWARD -j DOCKER-USER', 'COMMIT',
  '*nat', ':DOCKER - [0:0]', '-A DOCKER -i docker0 -j RETURN', '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER', 'COMMIT', '',
].join('\n');

async function save(ns: TestNetns, backend: IptablesBackend): Promise<string> {
  return (await ns.sh(backend.save, ['-t', 'filter'])) + (await ns.sh(backend.save, ['-t', 'nat']));
}

/** Everything in the tables that is not ours (counters and comments of the save stripped). */
async function foreignLines(ns: TestNetns, backend: IptablesBackend): Promise<string[]> {
  return (await save(ns, backend)).split('\n').filter((l) => l !== '' && !l.startsWith('#') && !/pikube/i.test(l)).map((l) => l.replace(/\[\d+:\d+\]/, ''));
}

async function ourChains(ns: TestNetns, backend: IptablesBackend): Promise<string[]> {
  return (await save(ns, backend)).split('\n').filter((l) => l.startsWith(':PIKUBE-')).map((l) => l.slice(1).split(' ')[0] ?? '');
}

/** Our chains and rules as saved, counters stripped, grouped by chain in a fixed order (chains may be listed in another order), each chain's rules in their order. */
function ourLines(saved: string): string[] {
  const chainOf = (l: string): string => (l.startsWith(':') ? l.slice(1).split(' ')[0] : l.split(' ')[1]) ?? '';
  const lines = saved.split('\n').filter((l) => /PIKUBE-/.test(l) && !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/, ''));
  return lines.sort((a, b) => (chainOf(a) < chainOf(b) ? -1 : chainOf(a) > chainOf(b) ? 1 : 0));
}

function render(...sps: ServicePortModel[]): RuleSet {
  return renderRuleSet(sps, OPTIONS);
}

for (const name of ['nft', 'legacy'] as const) {
  describe(`rule applier on real iptables (${name} backend, in a network namespace)`, function () {
    this.timeout(60_000);
    let ns: TestNetns;
    let backend: IptablesBackend;
    let applier: RuleApplier;
    let foreign: string[];

    before(async () => {
      ns = await aTestNetns(name);
      await ns.sh(BACKENDS[name].restore, ['--noflush'], FOREIGN);
      backend = await detectBackend(ns.run);
      applier = new RuleApplier({ run: ns.run, backend, minSyncIntervalMs: 10 });
      foreign = await foreignLines(ns, backend);
    });
    after(async () => {
      applier?.dispose();
      await ns?.dispose();
    });
    afterEach(async () => assert.deepEqual(await foreignLines(ns, backend), foreign, 'the foreign chains changed'));

    it('detects the backend that holds Docker\'s chains', () => {
      assert.equal(backend.name, name);
      assert.ok(foreign.includes(':DOCKER-USER - ') && foreign.includes('-A FORWARD -j DOCKER-USER'), foreign.join('\n'));
    });

    it('passes iptables-restore --test', async () => {
      await ns.sh(backend.restore, ['--test', '--noflush'], render(WEB, NODEPORT, GONE, EMPTY).text);
      assert.deepEqual(await ourChains(ns, backend), [], '--test must not change anything');
    });

    it('applies the rule set with --noflush: our chains, our jumps, kube-proxy\'s spread', async () => {
      const rs = render(WEB, NODEPORT, GONE, EMPTY);
      await applier.apply(rs);
      const text = await save(ns, backend);
      assert.deepEqual((await ourChains(ns, backend)).sort(), [...rs.chains.filter, ...rs.chains.nat].sort());
      assert.match(text, /-A PREROUTING -m comment --comment "pikube service portals" -j PIKUBE-SERVICES/);
      assert.match(text, /-A POSTROUTING -m comment --comment "pikube postrouting rules" -j PIKUBE-POSTROUTING/);
      // iptables keeps 1/3 as a 32-bit fraction and prints it back with 11 digits.
      assert.match(text, /--probability 0\.33333333349/);
      assert.match(text, /--probability 0\.50000000000/);
      assert.match(text, /-j REJECT --reject-with icmp-port-unreachable/);
      assert.equal(await applier.verify(), 'in-sync');
    });

    it('does not restore again when the rendered text is unchanged', async () => {
      const before = applier.syncCount;
      await applier.apply(render(WEB, NODEPORT, GONE, EMPTY));
      assert.equal(applier.syncCount, before);
    });

    it('coalesces a burst of changes and deletes the chains of a removed service', async () => {
      const before = applier.syncCount;
      const last = render(WEB, NODEPORT, EMPTY);
      await Promise.all([applier.apply(render(WEB)), applier.apply(render(WEB, NODEPORT)), applier.apply(last)]);
      assert.ok(applier.syncCount - before <= 2, `${applier.syncCount - before} restores for a burst of 3`);
      const chains = await ourChains(ns, backend);
      assert.deepEqual(chains.sort(), [...last.chains.filter, ...last.chains.nat].sort());
      assert.ok(!(await save(ns, backend)).includes('default/gone'));
    });

    it('leaves the tables after partial restores exactly as a full restore of the same set would', async () => {
      const steps = [render(WEB, NODEPORT, GONE), render(WEB, EMPTY), render(NODEPORT, GONE)];
      for (const step of steps) await applier.apply(step);
      const afterPartial = ourLines(await save(ns, backend));
      assert.ok(applier.syncCount > applier.fullSyncCount, 'the later restores were partial');
      await applier.cleanup();
      await applier.apply(steps[steps.length - 1]);
      assert.deepEqual(afterPartial, ourLines(await save(ns, backend)));
    });

    it('repairs rules and jumps deleted by hand', async () => {
      await ns.sh(backend.iptables, ['-w', '5', '-t', 'nat', '-D', 'PIKUBE-SERVICES', '1']);
      await ns.sh(backend.iptables, ['-w', '5', '-t', 'nat', '-D', 'OUTPUT', '-m', 'comment', '--comment', 'pikube service portals', '-j', 'PIKUBE-SERVICES']);
      assert.equal(await applier.verify(), 'repaired');
      const text = await save(ns, backend);
      assert.match(text, /-A OUTPUT -m comment --comment "pikube service portals" -j PIKUBE-SERVICES/);
      assert.match(text, /--comment "default\/np cluster IP"/);
      assert.equal(await applier.verify(), 'in-sync');
    });

    it('repairs a periodic drift check finds', async () => {
      applier.startDriftChecks(50);
      await ns.sh(backend.iptables, ['-w', '5', '-t', 'nat', '-F', 'PIKUBE-MARK-MASQ']);
      let last = '';
      await until(async () => (last = await ns.sh(backend.save, ['-t', 'nat'])).includes('-A PIKUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000'), {
        timeoutMs: 10_000,
        describe: () => last,
      });
    });

    it('cleans up every chain and jump of ours, and nothing else', async () => {
      await applier.cleanup();
      assert.deepEqual(await ourChains(ns, backend), []);
      assert.ok(!/pikube/i.test(await save(ns, backend)));
      assert.equal(await applier.verify(), 'idle');
    });
  });
}
