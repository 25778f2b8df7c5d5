/**
 * Whether a node's host answers on the LAN at all, whatever its agent is doing: a TCP
 * connection attempt to the node's address. A host that is up answers it in its kernel — a
 * connection, or a refusal (RST) from a port nobody listens on — even while the agent is
 * stalled, starved of CPU or restarting; an unplugged or powered-off Pi answers nothing. A
 * firewall that drops the attempt makes an up host look silent too, which is why the leader
 * only believes the silence of a host that answered before (host-checked-reachability.ts).
 */
import net from 'node:net';
import type { Node } from '../../api/core-v1';

export type HostAnswer = 'answered' | 'silent';

/** How long an answer is waited for: a LAN answers in milliseconds, Wi-Fi in tens of them. */
export const HOST_PROBE_TIMEOUT_MS = 500;

/** Where a node's host is asked: its first InternalIP address. */
export function internalIPOf(node: Node | undefined): string | undefined {
  const address = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  return address !== undefined && net.isIP(address) !== 0 ? address : undefined;
}

/** Any port does; the kubelet's is the one a home-lab firewall rule is likeliest to let through. */
export const HOST_PROBE_PORT = 10250;

export function probeHost(address: string, timeoutMs: number, port = HOST_PROBE_PORT): Promise<HostAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    let settled = false;
    const done = (answer: HostAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    // After the timers of a stalled event loop, its pending I/O (an answer that did come) goes
    // first: the decision waits for the loop's check phase.
    const timer = setTimeout(() => setImmediate(() => done('silent')), timeoutMs);
    socket.once('connect', () => done('answered'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'answered' : 'silent'));
  });
}
