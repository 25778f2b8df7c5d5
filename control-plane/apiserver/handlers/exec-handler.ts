/**
 * `pods/{name}/exec` and `pods/{name}/attach`, upgraded on the HTTPS server's `upgrade` event
 * to either transport of Kubernetes' remote-command protocol: a websocket speaking the channel
 * protocol (channel-protocol.ts, kubectl 1.30+), or SPDY/3.1 with one stream per purpose
 * (spdy-exec-session.ts, kubectl up to 1.29 and 1.30+'s fallback). Everything the API server
 * can decide is decided before the 101, the same way for both, and refused with a Status
 * (kubectl prints `Error from server (BadRequest): container x is not valid for pod y`); what
 * only the node knows ends the session with a Failure status, as the kubelet and Kubernetes'
 * stream translator do. A request without an upgrade is refused like Kubernetes refuses it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Pod } from '../../../api/core-v1';
import { ApiError, badRequest } from '../../../api/errors';
import type { Registry } from '../../registry/registry';
import { podAttachOptionsFrom } from '../pod-attach-options';
import { podExecOptionsFrom, type PodExecOptions } from '../pod-exec-options';
import { nodeWithoutSession, streamsUnavailable, type PodStream, type PodStreamProvider } from '../pod-stream-provider';
import { containerFor, nodeOf } from '../pod-stream-target';
import { negotiateProtocol, negotiateSpdyProtocol, offeredProtocols, SERVED_PROTOCOLS } from '../remote-command/channel-protocol';
import { ExecSession } from '../remote-command/exec-session';
import { SpdyExecSession } from '../remote-command/spdy-exec-session';
import { SpdySession } from '../spdy/spdy-session';
import { isSpdyUpgrade, offeredStreamProtocols, switchToSpdy } from '../spdy/spdy-upgrade';
import type { RequestScope } from '../request-scope';
import type { ResourceTarget } from '../router';

/** Largest client message (stdin chunk or resize) accepted; kubectl sends at most 32 KiB. */
const MAX_CLIENT_MESSAGE_BYTES = 256 * 1024;

interface ExecTarget {
  pod: Pod;
  options: PodExecOptions;
  container: string;
  nodeName: string;
}

/** `exec` runs a command; `attach` joins the container's main process (no command), over the same protocol. */
export type ExecMode = 'exec' | 'attach';

async function execTarget(registry: Registry, target: ResourceTarget, query: URLSearchParams, mode: ExecMode = 'exec'): Promise<ExecTarget> {
  const options = mode === 'exec' ? podExecOptionsFrom(query) : podAttachOptionsFrom(query);
  const pod = await registry.get<Pod>(target.info, target.namespace, target.name ?? '');
  const container = containerFor(pod, options.container);
  return { pod, options, container, nodeName: nodeOf(pod) };
}

/** A plain request (no upgrade): checked like an upgrade, then refused. */
export async function serveExec(scope: RequestScope, target: ResourceTarget): Promise<void> {
  await execTarget(scope.registry, target, scope.query);
  throw badRequest('Upgrade request required');
}

export async function serveAttach(scope: RequestScope, target: ResourceTarget): Promise<void> {
  await execTarget(scope.registry, target, scope.query, 'attach');
  throw badRequest('Upgrade request required');
}

function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

function unsupportedProtocols(offered: string[]): ApiError {
  return badRequest(`requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${SERVED_PROTOCOLS.join(' ')}]`);
}

type OpenStream = (signal: AbortSignal) => Promise<PodStream>;

export interface ExecUpgrade {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  target: ResourceTarget;
  query: URLSearchParams;
  mode: ExecMode;
}

export class ExecUpgrades {
  private readonly wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    handleProtocols: (offered) => negotiateProtocol(offered) ?? false,
  });

  constructor(private readonly registry: Registry, private readonly streams: PodStreamProvider | undefined, private readonly log: (line: string) => void = () => undefined) {}

  /** Checks the request, then completes the handshake and runs the session. Throws (an ApiError) only before the handshake. */
  async upgrade(u: ExecUpgrade): Promise<void> {
    const t = await execTarget(this.registry, u.target, u.query, u.mode);
    const streams = this.streams;
    if (!streams) throw streamsUnavailable();
    // Before the protocol checks, so that both transports get the same refusals.
    if (!streams.isConnected(t.nodeName)) throw nodeWithoutSession(t.nodeName);
    const params = { ...t.options, container: t.container };
    const open: OpenStream = (signal) => (u.mode === 'exec' ? streams.openExec(t.pod, params, signal) : streams.openAttach(t.pod, params, signal));
    if (isSpdyUpgrade(u.req)) return this.serveSpdy(u, t.options, open);
    if (!isWebSocketUpgrade(u.req)) throw badRequest('Upgrade request required');
    const offered = offeredProtocols(u.req.headers['sec-websocket-protocol']);
    const protocol = negotiateProtocol(offered);
    if (!protocol) throw unsupportedProtocols(offered);
    const ws = await this.handshake(u);
    if (!ws) return;
    const session = new ExecSession(ws, { protocol, command: t.options.command, stdout: t.options.stdout, stderr: t.options.stderr });
    await session.run(open);
  }

  dispose(): void {
    this.wss.close();
  }

  private async serveSpdy(u: ExecUpgrade, options: PodExecOptions, open: OpenStream): Promise<void> {
    const protocol = negotiateSpdyProtocol(offeredStreamProtocols(u.req));
    const socket = switchToSpdy(u.socket, u.head, protocol);
    const session: SpdyExecSession = new SpdyExecSession(new SpdySession(socket, (s) => session.stream(s), this.log), { ...options, protocol, log: this.log });
    await session.run(open);
  }

  /** Undefined when ws refused a malformed handshake itself (it answers 400 and closes the socket). */
  private handshake(u: ExecUpgrade): Promise<WebSocket | undefined> {
    return new Promise((resolve) => {
      const refused = (): void => resolve(undefined);
      u.socket.once('close', refused);
      this.wss.handleUpgrade(u.req, u.socket, u.head, (ws) => {
        u.socket.off('close', refused);
        ws.pause(); // client messages wait until the session listens
        resolve(ws);
      });
    });
  }
}
