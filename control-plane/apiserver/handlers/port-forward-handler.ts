/**
 * `pods/{name}/portforward`: the connection is upgraded to SPDY/3.1 (`Upgrade: SPDY/3.1`,
 * `X-Stream-Protocol-Version: portforward.k8s.io`, what kubectl up to 1.30 sends), or to a
 * websocket whose subprotocol `SPDY/3.1+portforward.k8s.io` tunnels the same SPDY bytes (what
 * kubectl 1.31+ tries first, falling back to SPDY when refused). Either way the session is the
 * kubelet's port-forward protocol (port-forward-session.ts), each connection dialed by the
 * pod's node. What the API server can decide (no such pod, no node, the node not connected) is
 * refused with a Status before the upgrade; kubectl prints it as `error upgrading connection: …`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import type { Pod } from '../../../api/core-v1';
import { ApiError, badRequest } from '../../../api/errors';
import type { Registry } from '../../registry/registry';
import { nodeWithoutSession, streamsUnavailable, type PodStreamProvider } from '../pod-stream-provider';
import { nodeOf } from '../pod-stream-target';
import { PortForwardSession } from '../port-forward/port-forward-session';
import { SpdySession } from '../spdy/spdy-session';
import { isSpdyUpgrade, offeredStreamProtocols, switchToSpdy } from '../spdy/spdy-upgrade';
import { offeredProtocols } from '../remote-command/channel-protocol';
import type { RequestScope } from '../request-scope';
import type { ResourceTarget } from '../router';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** The websocket subprotocol that tunnels SPDY (KEP-4006). */
export const TUNNELED_PORT_FORWARD_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
/**
 * The `/` of the tunnelling subprotocol is no token character (RFC 6455 asks for tokens) and
 * the ws library refuses the offer; the header is rewritten to this alias before its handshake,
 * and the answer names the real subprotocol again, as kubectl expects.
 */
const TUNNELED_PROTOCOL_ALIAS = 'SPDY-3.1-portforward.k8s.io';

export interface PortForwardUpgrade {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  target: ResourceTarget;
}

/** A plain request (no upgrade): checked like an upgrade, then refused. */
export async function servePortForward(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const pod = await scope.registry.get<Pod>(target.info, target.namespace, target.name ?? '');
  nodeOf(pod);
  throw badRequest('Upgrade request required');
}

function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

export class PortForwardUpgrades {
  private readonly wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: 1024 * 1024,
    handleProtocols: (offered) => (offered.has(TUNNELED_PROTOCOL_ALIAS) ? TUNNELED_PORT_FORWARD_PROTOCOL : false),
  });

  constructor(private readonly registry: Registry, private readonly streams: PodStreamProvider | undefined, private readonly log: (line: string) => void) {}

  /** Checks the request, then upgrades and serves the session. Throws (an ApiError) only before the upgrade. */
  async upgrade(u: PortForwardUpgrade): Promise<void> {
    const pod = await this.registry.get<Pod>(u.target.info, u.target.namespace, u.target.name ?? '');
    const nodeName = nodeOf(pod);
    const streams = this.streams;
    if (!streams) throw streamsUnavailable();
    if (!streams.isConnected(nodeName)) throw nodeWithoutSession(nodeName);
    const socket = await this.upgraded(u);
    if (!socket) return;
    const forwarding = new PortForwardSession(new SpdySession(socket, (s) => forwarding.stream(s), this.log), pod, (port, signal) => streams.openPortForward(pod, port, signal));
  }

  dispose(): void {
    this.wss.close();
  }

  /** The byte stream carrying SPDY after the upgrade; undefined when the client went away during it. */
  private async upgraded(u: PortForwardUpgrade): Promise<Duplex | undefined> {
    if (isWebSocketUpgrade(u.req)) {
      const offered = offeredProtocols(u.req.headers['sec-websocket-protocol']);
      if (!offered.includes(TUNNELED_PORT_FORWARD_PROTOCOL)) {
        throw badRequest(`requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${TUNNELED_PORT_FORWARD_PROTOCOL}]`);
      }
      u.req.headers['sec-websocket-protocol'] = TUNNELED_PROTOCOL_ALIAS;
      const ws = await this.handshake(u);
      return ws ? createWebSocketStream(ws) : undefined;
    }
    if (!isSpdyUpgrade(u.req)) throw badRequest('Upgrade request required');
    const offered = offeredStreamProtocols(u.req);
    if (!offered.includes(PORT_FORWARD_PROTOCOL)) {
      throw new ApiError('Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${PORT_FORWARD_PROTOCOL}]`);
    }
    return switchToSpdy(u.socket, u.head, PORT_FORWARD_PROTOCOL);
  }

  private handshake(u: PortForwardUpgrade): Promise<WebSocket | undefined> {
    return new Promise((resolve) => {
      const refused = (): void => resolve(undefined);
      u.socket.once('close', refused);
      this.wss.handleUpgrade(u.req, u.socket, u.head, (ws) => {
        u.socket.off('close', refused);
        resolve(ws);
      });
    });
  }
}
