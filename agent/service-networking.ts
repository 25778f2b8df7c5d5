/**
 * The agent's kube-proxy and CoreDNS parts (issue 4): every batch of the object feed with
 * services or EndpointSlices updates the agent's copy of the cluster's services, which drives
 * (with the pods' host ports, issue 15) the node's iptables rules (ServiceProxy over a
 * RuleApplier, with periodic drift repair) and the cluster DNS served on the pod bridge's address. Both keep their last state while the control plane is away.
 *
 * Rendering is level-triggered and coalesced: while one rule set is being applied, further
 * changes only mark the rules stale, and the newest state is rendered once it is done.
 */
import { ClusterServices } from './cluster-services';
import { ClusterDns } from './dns/cluster-dns';
import type { FeedBatch } from './feed/feed-batch';
import { ServicesSnapshot } from './services-snapshot';
import { runChecked, type CommandRunner } from './network/command-runner';
import type { IptablesBackend } from './network/iptables-backend';
import { HostPorts } from './network/host-ports';
import { RuleApplier } from './network/rule-applier';
import { ServiceProxy } from './network/service-proxy';

export interface ServiceNetworkingOptions {
  nodeName: string;
  clusterCIDR: string;
  clusterDomain: string;
  /** Where DNS names outside the cluster domain go (`ip` or `ip:port`); empty: nowhere. */
  upstreams: string[];
  run: CommandRunner;
  /** How often the rules are checked for drift (rules deleted by hand come back). */
  driftCheckMs: number;
  /** kube-proxy's minSyncPeriod; default 1 s. */
  minSyncIntervalMs?: number;
  /** Default 53. */
  dnsPort?: number;
  /** Where the last services are kept for DNS across agent restarts (services-snapshot.ts); absent: nowhere. */
  snapshotFile?: string;
  log: (message: string) => void;
}

/** A failed restore (an xtables lock held too long, say) is tried again this soon, as kube-proxy re-queues a failed sync. */
const RETRY_MS = 1_000;

export class ServiceNetworking {
  readonly services = new ClusterServices();
  /**
   * The node's pods' host ports, seeded from the first desired set and then set by the pods'
   * workers. Rules are rendered only once both the services and the pods are known: rendering
   * before would wipe a restarted agent's service rules or host ports.
   */
  readonly hostPorts = new HostPorts(() => this.syncRules());
  private readonly dns: ClusterDns;
  private proxy?: ServiceProxy;
  private applier?: RuleApplier;
  private syncing?: Promise<void>;
  private stale = false;
  private lastSkipped = '';
  private dnsAddress?: string;
  private dnsPort = 53;
  private dnsChain: Promise<void> = Promise.resolve();
  private retry?: NodeJS.Timeout;
  private localnetOn = false;
  private disposed = false;
  private readonly snapshot?: ServicesSnapshot;

  constructor(private readonly opts: ServiceNetworkingOptions) {
    this.dns = new ClusterDns({ domain: opts.clusterDomain, upstreams: opts.upstreams, log: (m) => opts.log(`[dns] ${m}`) });
    if (opts.snapshotFile) this.snapshot = new ServicesSnapshot(opts.snapshotFile, opts.log);
    const last = this.snapshot?.load();
    if (last && this.step('DNS from the snapshot', () => this.dns.update(last.services, last.slices))) {
      opts.log(`cluster DNS answers from the last known ${last.services.length} services until the control plane sends them`);
    }
  }

  /** Programs rules through `backend` from now on (and the services already received). */
  startProxy(backend: IptablesBackend): void {
    const { run, log } = this.opts;
    this.applier = new RuleApplier({
      run, backend, minSyncIntervalMs: this.opts.minSyncIntervalMs,
      onError: (err) => log(`[proxy] drift check: ${errorText(err)}`), log: (m) => log(`[proxy] ${m}`),
    });
    this.proxy = new ServiceProxy({ nodeName: this.opts.nodeName, clusterCIDR: this.opts.clusterCIDR, applier: this.applier });
    this.applier.startDriftChecks(this.opts.driftCheckMs);
    this.syncRules();
  }

  /** Each consumer on its own: a failure in one (a bug) leaves the others working. */
  onServices(batch: FeedBatch): void {
    this.services.apply(batch);
    this.step('updating cluster DNS', () => this.dns.update(this.services.services(), this.services.slices()));
    this.snapshot?.save(() => ({ services: this.services.services(), slices: this.services.slices() }));
    this.syncRules();
  }

  private step(what: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err: unknown) {
      this.opts.log(`${what} failed: ${errorText(err)}`);
      return false;
    }
  }

  /** The pod bridge is up at `address`: cluster DNS serves there (the pods' nameserver). Calls run one at a time. */
  serveDns(address: string): Promise<void> {
    const next = this.dnsChain.then(() => this.moveDns(address));
    this.dnsChain = next.catch(() => undefined);
    return next;
  }

  private async moveDns(address: string): Promise<void> {
    if (this.disposed || address === this.dnsAddress) return;
    await this.dns.close();
    this.dnsAddress = undefined;
    if (this.disposed) return;
    const { port } = await this.dns.listen(address, this.opts.dnsPort ?? 53);
    if (this.disposed) return void (await this.dns.close());
    this.dnsAddress = address;
    this.dnsPort = port;
    this.syncRules(); // kube-dns's ClusterIP goes to the new address
    this.opts.log(`cluster DNS (${this.opts.clusterDomain}) serving on ${address}:${port}`);
  }

  /** Stops DNS and drift checks; the rules stay (traffic keeps flowing while the agent restarts). */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.retry);
    this.snapshot?.flush();
    this.applier?.dispose();
    await this.dns.close();
  }

  private syncRules(): void {
    this.stale = true;
    if (!this.proxy || this.syncing || !this.services.synced || !this.hostPorts.seeded) return;
    this.syncing = this.syncLoop().finally(() => {
      this.syncing = undefined;
    });
  }

  private async syncLoop(): Promise<void> {
    while (this.stale && this.proxy && !this.disposed) {
      this.stale = false;
      try {
        const dns = this.dnsAddress === undefined ? undefined : { ip: this.dnsAddress, port: this.dnsPort };
        const skipped = await this.proxy.sync(this.services.services(), this.services.slices(), { hostPorts: this.hostPorts.mappings(), dns });
        this.reportSkipped(skipped.map((s) => `${s.servicePort}: ${s.reason}`));
        await this.enableLocalnet();
      } catch (err: unknown) {
        this.opts.log(`[proxy] applying the service rules failed: ${errorText(err)}; retrying in ${RETRY_MS} ms`);
        this.retry ??= setTimeout(() => {
          this.retry = undefined;
          this.syncRules();
        }, RETRY_MS);
      }
    }
  }

  /**
   * NodePorts on 127.0.0.1 need route_localnet, as kube-proxy sets it; only now, with the
   * PIKUBE-FIREWALL rule that drops martian localnet traffic applied, is it safe (CVE-2020-8558).
   */
  private async enableLocalnet(): Promise<void> {
    if (this.localnetOn) return;
    await runChecked(this.opts.run, 'sysctl', ['-w', 'net.ipv4.conf.all.route_localnet=1']);
    this.localnetOn = true;
  }

  private reportSkipped(lines: string[]): void {
    const text = lines.join('; ');
    if (text !== this.lastSkipped && text !== '') this.opts.log(`[proxy] service ports left out: ${text}`);
    this.lastSkipped = text;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
