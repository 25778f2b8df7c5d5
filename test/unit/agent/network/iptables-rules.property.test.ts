/** Properties of rule rendering over generated service tables (fast-check). */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderRuleSet } from '../../../../agent/network/iptables-rules';
import { parseIptablesSave } from '../../../../agent/network/iptables-save-parser';
import type { ServicePortModel } from '../../../../agent/network/service-model';

const BUILTIN = new Set(['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']);
const TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'MARK', 'MASQUERADE', 'DNAT']);

const octet = fc.integer({ min: 0, max: 255 });
const ip = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const port = fc.integer({ min: 1, max: 65535 });
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);

const endpoint = fc.record({ ip, port, ready: fc.boolean(), local: fc.boolean() });
const servicePort: fc.Arbitrary<ServicePortModel> = fc.record({
  namespace: label,
  name: label,
  portName: fc.oneof(fc.constant(''), label),
  protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const),
  clusterIP: ip,
  port,
  nodePort: fc.oneof(fc.constant(0), fc.integer({ min: 30000, max: 32767 })),
  externalIPs: fc.array(ip, { maxLength: 2 }),
  loadBalancerIPs: fc.array(ip, { maxLength: 2 }),
  affinityTimeoutSeconds: fc.option(fc.integer({ min: 1, max: 86400 }), { nil: undefined }),
  externalTrafficPolicyLocal: fc.boolean(),
  internalTrafficPolicyLocal: fc.boolean(),
  endpoints: fc.array(endpoint, { maxLength: 5 }),
});
/** Service ports as the API guarantees them: unique by name, port name and protocol. */
const table = fc.uniqueArray(servicePort, { maxLength: 6, selector: (sp) => `${sp.namespace}/${sp.name}:${sp.portName}/${sp.protocol}` });

function targetsOf(rule: string): string[] {
  return [...rule.matchAll(/(?:^| )-j (\S+)/g)].map((m) => m[1] ?? '');
}

describe('iptables rule rendering (properties)', () => {
  it('renders the same text whatever the order of services and endpoints', () => {
    fc.assert(
      fc.property(table, (sps) => {
        const shuffled = [...sps].reverse().map((sp) => ({ ...sp, endpoints: [...sp.endpoints].reverse() }));
        assert.equal(renderRuleSet(shuffled, { clusterCIDR: '10.42.0.0/16' }).text, renderRuleSet(sps, { clusterCIDR: '10.42.0.0/16' }).text);
      }),
    );
  });

  it('declares every chain it writes to or jumps to, and only chains of ours', () => {
    fc.assert(
      fc.property(table, (sps) => {
        const rs = renderRuleSet(sps, { clusterCIDR: '10.42.0.0/16' });
        assert.deepEqual(rs.skipped, []);
        for (const [name, t] of parseIptablesSave(rs.text)) {
          assert.ok(t.chains.every((c) => c.startsWith('PIKUBE-') && c.length <= 28), `${name}: ${t.chains.join(',')}`);
          for (const [chain, rules] of t.rules) {
            assert.ok(t.chains.includes(chain) && !BUILTIN.has(chain), `${name}: -A ${chain} is not declared`);
            for (const target of rules.flatMap(targetsOf)) assert.ok(TARGETS.has(target) || t.chains.includes(target), `${name}: jump to undeclared ${target}`);
          }
        }
      }),
    );
  });

  it('reports rule counts that match the rendered text', () => {
    fc.assert(
      fc.property(table, (sps) => {
        const rs = renderRuleSet(sps);
        const parsed = parseIptablesSave(rs.text);
        for (const [key, n] of Object.entries(rs.ruleCounts)) {
          const [tableName = '', chain = ''] = key.split('/');
          assert.equal(parsed.get(tableName)?.rules.get(chain)?.length ?? 0, n, key);
        }
      }),
    );
  });

  it('never lets a string outside the whitelist reach a rule', () => {
    fc.assert(
      fc.property(servicePort, fc.string(), fc.constantFrom('namespace', 'name', 'portName', 'clusterIP') as fc.Arbitrary<'namespace' | 'name' | 'portName' | 'clusterIP'>, (sp, junk, field) => {
        fc.pre(/[^a-z0-9.-]/.test(junk));
        const rs = renderRuleSet([{ ...sp, [field]: junk }]);
        assert.equal(rs.skipped.length, 1);
        assert.equal(rs.text, renderRuleSet([]).text);
      }),
    );
  });
});
