import assert from 'node:assert/strict';
import type { Node } from '../../../../api/core-v1';
import type { Service } from '../../../../api/service-v1';
import { planLoadBalancerStatus } from '../../../../control-plane/controllers/load-balancer-plan';
import { aNode, aService } from './fixtures';

const lb = (patch: Partial<Service['spec']> = {}, ingress?: string[]): Service => {
  const svc = aService('lb', { type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ port: 80, nodePort: 30080 }], ...patch });
  return ingress ? { ...svc, status: { loadBalancer: { ingress: ingress.map((ip) => ({ ip, ipMode: 'VIP' as const })) } } } : svc;
};

describe('load balancer plan', () => {
  const nodes: Node[] = [aNode('pi2', { ip: '192.168.1.12' }), aNode('pi1', { ip: '192.168.1.11' }), aNode('down', { ready: 'Unknown', ip: '192.168.1.13' })];
  const cases: { name: string; svc: Service; want: string[] | undefined }[] = [
    { name: 'a LoadBalancer gets the Ready nodes\' InternalIPs, sorted', svc: lb(), want: ['192.168.1.11', '192.168.1.12'] },
    { name: 'nothing is written when the ingress is right', svc: lb({}, ['192.168.1.11', '192.168.1.12']), want: undefined },
    { name: 'a node going away changes the ingress', svc: lb({}, ['192.168.1.11', '192.168.1.12', '192.168.1.13']), want: ['192.168.1.11', '192.168.1.12'] },
    { name: 'a loadBalancerClass names another implementation: its ingress is cleared', svc: lb({ loadBalancerClass: 'metallb' }, ['192.168.1.11']), want: [] },
    { name: 'a ClusterIP service without ingress needs nothing', svc: aService('web'), want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const next = planLoadBalancerStatus(c.svc, nodes);
      assert.deepEqual(next && (next.status?.loadBalancer?.ingress ?? []).map((i) => i.ip), c.want);
    });
  }
});
