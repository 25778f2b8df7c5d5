/**
 * Reads one simulated node's service-proxy rules, always inside the node's network namespace
 * (never the machine's own). The agent programs the iptables backend that holds Docker's
 * chains (nf_tables or legacy), so the reader first finds which one holds PIKUBE-SERVICES.
 */
import { inNetns } from '../cluster/netns';
import { until } from '../cluster/wait-until';
import { nftGeneration } from './nft-generation';

interface Backend {
  iptables: string;
  save: string;
}

const BACKENDS: readonly Backend[] = [
  { iptables: 'iptables', save: 'iptables-save' },
  { iptables: 'iptables-legacy', save: 'iptables-legacy-save' },
];

export class NodeRules {
  private constructor(readonly node: string, readonly netns: string, private readonly backend: Backend, readonly nfTables: boolean) {}

  /** Waits (up to `timeoutMs`) until one backend in the namespace declares PIKUBE-SERVICES. */
  static async find(node: string, netns: string, timeoutMs: number): Promise<NodeRules> {
    const backend = await until(() => backendHoldingProxy(netns), { timeoutMs, intervalMs: 250, describe: () => `no PIKUBE-SERVICES chain in ${node}'s iptables (${BACKENDS.map((b) => b.save).join(', ')})` });
    const version = await inNetns(netns, backend.iptables, ['-V'], { allowFailure: true });
    return new NodeRules(node, netns, backend, version.stdout.includes('nf_tables'));
  }

  get backendName(): string {
    return this.backend.iptables;
  }

  /** `iptables -t <table> -S <chain>`: that chain's rules; '' when the chain does not exist (yet). */
  async chain(table: 'nat' | 'filter', chain: string): Promise<string> {
    const r = await inNetns(this.netns, this.backend.iptables, ['-w', '5', '-t', table, '-S', chain], { allowFailure: true });
    return r.code === 0 ? r.stdout : '';
  }

  /** `iptables-save -t <table>`: the whole table. */
  async table(table: 'nat' | 'filter'): Promise<string> {
    return (await inNetns(this.netns, this.backend.save, ['-t', table])).stdout;
  }

  /** The nf_tables generation (commits so far); undefined on the legacy backend. */
  generation(): Promise<number | undefined> {
    return this.nfTables ? nftGeneration(this.netns) : Promise.resolve(undefined);
  }
}

async function backendHoldingProxy(netns: string): Promise<Backend | undefined> {
  for (const backend of BACKENDS) {
    const r = await inNetns(netns, backend.save, ['-t', 'nat'], { allowFailure: true });
    if (r.code === 0 && /^:PIKUBE-SERVICES /m.test(r.stdout)) return backend;
  }
  return undefined;
}
