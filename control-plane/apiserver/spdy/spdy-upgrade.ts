/**
 * The HTTP side of an SPDY/3.1 upgrade, as Kubernetes' httpstream/spdy response upgrader
 * answers it: a request whose `Upgrade` names `SPDY/3.1` is switched with a 101 that repeats
 * the upgrade and names the negotiated `X-Stream-Protocol-Version`; the bytes after it are SPDY
 * frames. Shared by pods/exec, pods/attach and pods/portforward.
 * https://github.com/kubernetes/kubernetes/blob/v1.32.0/staging/src/k8s.io/apimachinery/pkg/util/httpstream/spdy/upgrade.go
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { offeredProtocols } from '../remote-command/channel-protocol';

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return offeredProtocols(req.headers.upgrade).some((u) => u.toLowerCase() === 'spdy/3.1');
}

/** The client's `X-Stream-Protocol-Version` offers, in its order of preference. */
export function offeredStreamProtocols(req: IncomingMessage): string[] {
  return offeredProtocols(req.headers['x-stream-protocol-version']);
}

/** Writes the 101 and hands back the socket, now carrying SPDY (`head`, bytes read past the request, first). */
export function switchToSpdy(socket: Duplex, head: Buffer, protocol: string): Duplex {
  socket.write([
    'HTTP/1.1 101 Switching Protocols',
    'Connection: Upgrade',
    'Upgrade: SPDY/3.1',
    `X-Stream-Protocol-Version: ${protocol}`,
    '', '',
  ].join('\r\n'));
  if (head.length > 0) socket.unshift(head);
  return socket;
}
