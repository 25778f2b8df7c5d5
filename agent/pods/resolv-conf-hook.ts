/**
 * The pod's resolv.conf as a hook. The kubelet forms a pod's DNS config with each new sandbox,
 * so it is written afresh whenever the plan makes one (a failure fails the sandbox:
 * ContainerCreating); otherwise it is only written again if it went missing. Its warnings
 * are the kubelet's DNSConfigForming and MissingClusterDNS events. Nothing to tear down: the
 * file lives in the pod's directory, which the volumes hook removes.
 */
import type { Pod } from '../../api/core-v1';
import { createsSandbox } from './pod-actions';
import type { EventSpec, PodEventLog } from './pod-event-log';
import type { PodSetUpHook, SetUpContext, SetUpResult } from './pod-hooks';
import type { PodResolvConf, WrittenResolvConf } from './pod-resolv-conf';

/** DNS warnings (limits exceeded, no cluster DNS) are said again at most this often. */
const DNS_WARNING_WINDOW_MS = 60_000;

export class ResolvConfHook implements PodSetUpHook {
  readonly name = 'resolv.conf';
  private missingDnsLogged = false;

  /** `dns` absent: containers keep Docker's resolv.conf. `describe` names the pod in the log. */
  constructor(private readonly dns: PodResolvConf | undefined, private readonly events: PodEventLog, private readonly log: (message: string) => void, private readonly describe: () => string) {}

  async setUp(pod: Pod, ctx: SetUpContext): Promise<SetUpResult> {
    if (!this.dns) return { ok: true };
    if (ctx.plan.stage === 'sandbox' && !createsSandbox(ctx.plan)) return { ok: true };
    let written: WrittenResolvConf;
    try {
      written = createsSandbox(ctx.plan) ? this.dns.write(pod) : this.dns.ensure(pod);
    } catch (err) {
      if (!createsSandbox(ctx.plan)) throw err;
      const message = `failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`;
      return { ok: false, waiting: { reason: 'ContainerCreating', message }, shownOn: 'all', error: err };
    }
    this.warn(pod, written.warnings);
    ctx.resources.resolvConf = written.path;
    return { ok: true };
  }

  /** The warnings as events; a missing cluster DNS is also logged, once for the pod. */
  private warn(pod: Pod, warnings: EventSpec[]): void {
    for (const w of warnings) {
      this.events.container(pod, '', w, DNS_WARNING_WINDOW_MS);
      if (w.reason !== 'MissingClusterDNS' || this.missingDnsLogged) continue;
      this.missingDnsLogged = true;
      this.log(`pod ${this.describe()}: the cluster DNS address is not known (pod network not ready?): its containers get the node's resolver configuration (dnsPolicy Default)`);
    }
  }
}
