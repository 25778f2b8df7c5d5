/** The applier's own logic, over a fake iptables: no-op on unchanged text, coalescing, jumps. */
import assert from 'node:assert/strict';
import { BACKENDS } from '../../../../agent/network/iptables-backend';
import { renderRuleSet } from '../../../../agent/network/iptables-rules';
import { JUMP_RULES } from '../../../../agent/network/jump-rules';
import { RuleApplier } from '../../../../agent/network/rule-applier';
import { FakeCommandRunner } from './fake-command-runner';
import { aServicePort, anEndpoint } from './service-port-builder';

const rs = (n: number) => renderRuleSet([aServicePort('web').withEndpoints(...Array.from({ length: n }, (_, i) => anEndpoint(`10.42.1.${i + 1}`))).build()]);

describe('rule applier (fake iptables)', () => {
  let fake: FakeCommandRunner;
  let applier: RuleApplier;
  beforeEach(() => {
    fake = new FakeCommandRunner();
    applier = new RuleApplier({ run: fake.run, backend: BACKENDS.legacy, minSyncIntervalMs: 20 });
  });
  afterEach(() => applier.dispose());

  it('restores with --noflush through the chosen backend and adds each missing jump with -I', async () => {
    await applier.apply(rs(1));
    const restore = fake.calls.find((c) => c.cmd === 'iptables-legacy-restore');
    assert.deepEqual(restore?.args, ['-w', '5', '--noflush']);
    assert.equal(fake.calls.filter((c) => c.cmd === 'iptables-legacy' && c.args.includes('-I')).length, JUMP_RULES.length);
  });

  it('does not restore an unchanged rule set again', async () => {
    await applier.apply(rs(1));
    await applier.apply(rs(1));
    assert.equal(fake.restores().length, 1);
  });

  it('coalesces a burst into at most two restores, ending with the newest set', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((n) => applier.apply(rs(n))));
    const restores = fake.restores();
    assert.ok(restores.length <= 2, `${restores.length} restores`);
    assert.match(restores.at(-1) ?? '', /--to-destination 10\.42\.1\.5:/);
  });

  it('writes every chain first, then only the chains that changed, deleting those that are gone', async () => {
    const two = (webEndpoints: number) => renderRuleSet([
      aServicePort('web').withEndpoints(...Array.from({ length: webEndpoints }, (_, i) => anEndpoint(`10.42.1.${i + 1}`))).build(),
      aServicePort('db').withEndpoints(anEndpoint('10.42.2.1')).build(),
    ]);
    await applier.apply(two(2));
    await applier.apply(two(1));
    const [full, partial] = fake.restores();
    assert.match(full, /default\/db/);
    assert.doesNotMatch(partial, /default\/db/, 'an unchanged service is not rewritten');
    assert.doesNotMatch(partial, /^:PIKUBE-SERVICES /m, 'the services chain did not change');
    assert.match(partial, /^-X PIKUBE-SEP-/m, "the removed endpoint's chain is deleted");
    assert.equal(applier.fullSyncCount, 1);
    assert.equal(fake.calls.filter((c) => c.cmd === 'iptables-legacy-save').length, 2, 'a partial restore reads nothing first');
  });

  it('goes back to a full restore after repairing drift', async () => {
    await applier.apply(rs(2));
    fake.saved = '';
    await applier.verify();
    await applier.apply(rs(3));
    assert.equal(applier.fullSyncCount, 2);
    assert.equal(fake.restores().length, 3);
  });

  it('re-applies when the tables do not hold the rules it applied', async () => {
    await applier.apply(rs(2));
    fake.saved = ''; // as if someone flushed everything
    assert.equal(await applier.verify(), 'repaired');
    assert.equal(fake.restores().length, 2);
  });

  it('has nothing to check before the first rule set', async () => {
    assert.equal(await applier.verify(), 'idle');
    assert.equal(fake.calls.length, 0);
  });
});
