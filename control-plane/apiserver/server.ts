/**
 * The Kubernetes API over HTTPS. Every request is authenticated (a client certificate — the TLS
 * layer asks for one but lets a request without one through, so it gets a 401 Status rather
 * than a handshake failure — or a bearer token); only `/healthz`, `/livez`, `/readyz` and
 * `/version` answer anyone, as Kubernetes' default RBAC (system:public-info-viewer) allows, and a GET of
 * kube-public's `cluster-info` (kubeadm's discovery document, which joining nodes read first).
 * Then impersonation headers are honoured for those allowed to, and every request, watches and
 * exec included, is authorized on its attributes (the authorizer chain: system:masters, then
 * the Node authorizer when the server has one, then RBAC) or answered 403 Forbidden. Every failure is a Status: nothing a request does can crash
 * the server; an unexpected error is a logged 500.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError, badRequest, toApiError } from '../../api/errors';
import { clientCertificateAuthenticator, type Authenticator, type UserInfo } from '../auth/authenticator';
import { privilegedGroupsAuthorizer, unionAuthorizer, type Authorizer, type RequestAttributes } from '../auth/authorizer';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE } from '../auth/cluster-info';
import { forbidden } from '../auth/forbidden';
import { impersonate, wantsImpersonation } from '../auth/impersonation';
import { PolicyCache } from '../auth/rbac/policy-cache';
import { rbacAuthorizer } from '../auth/rbac/rbac-authorizer';
import { staticPolicy } from '../auth/rbac/rbac-policy';
import { RuleResolver } from '../auth/rbac/rule-resolver';
import { requestAttributes } from '../auth/request-attributes';
import { SYSTEM_MASTERS, type AccessControl, type Requester, type TokenReviewer } from '../auth/requester';
import { answerClientError } from './client-errors';
import { serveAggregatedDiscovery } from './handlers/aggregated-discovery';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './handlers/discovery';
import { ExecUpgrades } from './handlers/exec-handler';
import { PortForwardUpgrades } from './handlers/port-forward-handler';
import { upgradeProxy } from './handlers/proxy-handler';
import { checksFor, serveHealth } from './handlers/health';
import { serveOpenApiV2, serveOpenApiV3, swaggerBodies, type SwaggerBodies } from './handlers/openapi';
import { serveResource, subresourceOf, verbOf } from './handlers/resource-handler';
import { versionInfo } from './handlers/version';
import { escapeForLog } from '../log-text';
import { negotiateOutput } from './negotiation';
import { buildOpenApiV3, type OpenApiV3 } from './openapi';
import type { PodStreamProvider } from './pod-stream-provider';
import type { Registry } from '../registry/registry';
import { MAX_BODY_BYTES } from './request-body';
import { RequestLimiter, type Admission, type RequestClass, type RequestLimits } from './request-limits';
import type { HandlerSettings, RequestScope, WatchSettings } from './request-scope';
import { wantsPretty, writeBody, writeError, type Encoding } from './respond';
import { requestUrl, type RequestUrl } from './request-url';
import { route, type Route } from './router';
import { pathNotFound } from './status-response';
import { rejectUpgrade } from './upgrade-response';
import type { WatchCacheOptions } from './watch-cache';
import { WatchCaches } from './watch-caches';
import { CustomKinds } from '../registry/custom-resources/custom-kinds';

export interface ApiServerTls {
  /** The cluster CA: client certificates must chain to it. */
  caCertPem: string;
  /** The serving certificate and key (cluster-pki.ts makes them). */
  certPem: string;
  keyPem: string;
}

export interface ApiServerOptions {
  registry: Registry;
  tls: ApiServerTls;
  /** 0 picks a free port (see `listen()`'s result). */
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
  /** `host:port` clients should use, for /api's serverAddressByClientCIDRs. Default host:port. */
  advertiseAddress?: string;
  /** Default: client certificates signed by `tls.caCertPem`. */
  authenticator?: Authenticator;
  /**
   * Who may do what. Default: `system:masters` may do anything, then `nodeAuthorizer`, then
   * RBAC over the registry's roles and bindings (kept in memory by informers the server starts
   * before it listens).
   */
  access?: AccessControl;
  /** The bearer-token authenticators requests use, for TokenReview; absent: TokenReview is refused. */
  tokenReview?: TokenReviewer;
  /** What nodes may do (node-authorizer.ts), asked before RBAC as `--authorization-mode=Node,RBAC`. Absent: nodes get what RBAC grants them. */
  nodeAuthorizer?: Authorizer;
  /** Default 3 MiB, as Kubernetes. */
  maxBodyBytes?: number;
  watch?: Partial<WatchSettings>;
  /** The watch caches' window and per-watcher queue (watch-cache.ts). */
  watchCache?: Partial<Omit<WatchCacheOptions, 'log'>>;
  /** In-flight and watch limits (request-limits.ts). */
  limits?: Partial<RequestLimits>;
  timeouts?: Partial<ServerTimeouts>;
  now?: () => Date;
  /** Where unexpected errors are reported, control characters escaped. Default console.error. */
  log?: (line: string) => void;
  /** Serves `pods/log` and `pods/exec` through the nodes (the node service's PodStreams). Without it they answer 503. */
  streams?: PodStreamProvider;
}

export interface ApiServer {
  /** Starts listening; resolves with the port. */
  listen(): Promise<number>;
  /** Stops accepting, ends open requests and watches. Idempotent. */
  close(): Promise<void>;
  /** The watch caches made so far, for diagnostics and tests. */
  watchCacheStats(): WatchCacheStats[];
  /** Requests held and queued under the limits, for diagnostics and tests. */
  limitCounts(): RequestLimiter['counts'];
  /** The authorizer requests are judged by (system:masters, Node, RBAC): the CSR approver's SubjectAccessReviews. */
  readonly authorizer: Authorizer;
}

export interface WatchCacheStats {
  prefix: string;
  watchers: number;
  objects: number;
  /** Store watches the cache opened (one, unless etcd was lost or compacted past it). */
  storeWatchesOpened: number;
}

/**
 * How long clients may take. Long-running requests (watches up to an hour, logs, exec) are
 * bounded by their own lifetimes, never by these: once a request has been received, only
 * `idleMs` applies, and not to long-running responses.
 */
export interface ServerTimeouts {
  /** Request headers must arrive within this. Default 60 s. */
  headersMs: number;
  /** The whole request, body included, must arrive within this. Default 60 s. */
  requestMs: number;
  /** The TLS handshake must finish within this. Default 20 s. */
  handshakeMs: number;
  /**
   * A keep-alive connection with no request is closed after this. Default 90 s, the apiserver's
   * IdleTimeout (Go's Transport keeps idle connections as long). Node's 5 s closed connections
   * under clients still reading a large answer (the timer starts once the answer is handed to
   * the kernel), and their next request met a closed socket ("socket hang up").
   */
  keepAliveMs: number;
  /** A socket with no traffic while a short request is answered (a client that stopped reading) is closed after this. Default 120 s. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 60_000, requestMs: 60_000, handshakeMs: 20_000, keepAliveMs: 90_000, idleMs: 120_000 };

/** Watch bytes written and unsent before events wait in the cache's per-watcher queue: 64 KiB, so 1,000 watchers stay under 64 MiB. */
const DEFAULT_WATCH: WatchSettings = { bookmarkIntervalMs: 60_000, maxBufferedBytes: 64 * 1024 };

/** Paths anyone may read, authenticated or not (system:public-info-viewer's; a single check such as `/readyz/etcd` is not one). */
function isPublic(r: Route): boolean {
  return r.type === 'version' || (r.type === 'health' && r.single === undefined);
}

/**
 * A GET of kube-public's cluster-info, which a joining node reads before it holds any
 * credential (kubeadm grants it to system:anonymous; pikube has no anonymous user, so this one
 * object is answered to anyone, like /version). Other verbs and objects need a user.
 */
function isClusterInfoRead(method: string | undefined, r: Route): boolean {
  if (method !== 'GET' || r.type !== 'resource') return false;
  const { info, namespace, name, subresource, watchPath } = r.target;
  return info.group === '' && info.resource === 'configmaps' && namespace === CLUSTER_INFO_NAMESPACE && name === CLUSTER_INFO_NAME && subresource === undefined && !watchPath;
}

/** How often Node checks requests against the header and request timeouts: a tenth of the shorter, within 0.1 to 5 s. */
function checkingIntervalMs(t: ServerTimeouts): number {
  return Math.min(5_000, Math.max(100, Math.floor(Math.min(t.headersMs, t.requestMs) / 10)));
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  const handler = new RequestHandler(options);
  const t: ServerTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const server = https.createServer(
    {
      key: options.tls.keyPem, cert: options.tls.certPem, ca: [options.tls.caCertPem], requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2',
      // requestTimeout covers receiving the request only: a watch's response is not cut by it.
      headersTimeout: Math.min(t.headersMs, t.requestMs), requestTimeout: t.requestMs, connectionsCheckingInterval: checkingIntervalMs(t),
      handshakeTimeout: t.handshakeMs, keepAliveTimeout: t.keepAliveMs,
    },
    (req, res) => void handler.handle(req, res),
  );
  server.timeout = t.idleMs;
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => answerClientError(err, socket));
  // Upgraded sockets (exec websockets) leave the server's connection tracking: closed here.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node takes its own error listener off an upgraded socket: a reset before ws takes it over must not crash.
    socket.on('error', () => undefined);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    (socket as Socket).setKeepAlive?.(true, 30_000);
    (socket as Socket).setTimeout?.(0); // an exec session may be quiet for long: the idle timeout is for HTTP requests
    void handler.upgrade(req, socket, head);
  });
  let closing: Promise<void> | undefined;
  return {
    listen: async () => {
      // The RBAC caches are filled first: no request is judged on an empty policy.
      await handler.startPolicy();
      await handler.startCustomKinds();
      return new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host ?? '0.0.0.0', () => {
          server.off('error', reject);
          server.on('error', (err) => handler.logError(`apiserver: ${err.message}`));
          handler.port = (server.address() as AddressInfo).port;
          resolve(handler.port);
        });
      });
    },
    close: () => (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      handler.dispose();
      for (const socket of upgraded) socket.destroy();
    })),
    watchCacheStats: () => handler.watchCaches.all().map((c) => ({ prefix: c.prefix, watchers: c.watcherCount, objects: c.objectCount, storeWatchesOpened: c.storeWatchesOpened })),
    limitCounts: () => handler.limiter.counts,
    authorizer: handler.access.authorizer,
  };
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How a request counts against the limits (the apiserver's readonly / mutating / long-running split). */
export function requestClassOf(method: string | undefined, r: Route, query: URLSearchParams): RequestClass {
  if (r.type === 'resource') {
    // Streams last as long as the client keeps them: not counted in flight (watches count apart).
    if (subresourceOf(r.target)?.type === 'connect') return 'longRunning';
    if (verbOf(method, r.target, query) === 'watch') return 'watch';
  }
  return READ_METHODS.has(method ?? '') ? 'readonly' : 'mutating';
}

class RequestHandler {
  port = 0;
  readonly watchCaches: WatchCaches;
  readonly limiter: RequestLimiter;
  private readonly authenticator: Authenticator;
  readonly access: AccessControl;
  /** The RBAC objects in memory, when this server made its own access control. */
  private readonly policy?: PolicyCache;
  private readonly stopping = new AbortController();
  /** The OpenAPI document of the kinds served when it was built (custom kinds come and go). */
  private openapiOf?: { kinds: readonly unknown[]; document: OpenApiV3; v2?: SwaggerBodies };
  /** Serves the CustomResourceDefinitions' kinds, when the registry serves CRDs. */
  private readonly customKinds?: CustomKinds;
  private readonly settings: HandlerSettings;
  private readonly log: (line: string) => void;
  private readonly exec: ExecUpgrades;
  private readonly portForward: PortForwardUpgrades;
  private readonly detachCaches: () => void;

  constructor(private readonly options: ApiServerOptions) {
    this.authenticator = options.authenticator ?? clientCertificateAuthenticator;
    if (options.access) this.access = options.access;
    else {
      const servesRbac = options.registry.resources.some((r) => r.group === 'rbac.authorization.k8s.io');
      if (servesRbac) this.policy = new PolicyCache(options.registry, (line) => this.log(line));
      const rules = new RuleResolver(this.policy ?? staticPolicy({}));
      const chain = [privilegedGroupsAuthorizer([SYSTEM_MASTERS]), ...(options.nodeAuthorizer ? [options.nodeAuthorizer] : []), rbacAuthorizer(rules)];
      this.access = { rules, authorizer: unionAuthorizer(chain) };
    }
    this.exec = new ExecUpgrades(options.registry, options.streams, (line) => this.log(line));
    if (CustomKinds.applies(options.registry)) this.customKinds = new CustomKinds(options.registry, (line) => this.log(line));
    const sink = options.log ?? ((line) => console.error(line));
    this.log = (line) => sink(escapeForLog(line));
    this.portForward = new PortForwardUpgrades(options.registry, options.streams, this.log);
    this.limiter = new RequestLimiter(options.limits);
    this.watchCaches = new WatchCaches((info) => options.registry.watchSource(info), { ...options.watchCache, log: this.log });
    this.detachCaches = options.registry.useCachedObjects({
      get: (info, key, start) => this.watchCaches.of(info).peek(key, start),
      namespace: (info, namespace, start) => this.watchCaches.of(info).peekNamespace(namespace, start),
    });
    this.settings = {
      maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
      watch: { ...DEFAULT_WATCH, ...options.watch },
      now: options.now ?? (() => new Date()),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    const pretty = wantsPretty(req, url.searchParams);
    try {
      await this.serve(req, res, url, pretty);
    } catch (err: unknown) {
      this.fail(req, res, err, pretty);
    }
  }

  /** Fills the RBAC caches before the first request (a no-op with access control given by the caller). */
  async startPolicy(): Promise<void> {
    await this.policy?.start(this.stopping.signal);
  }

  /** Serves the kinds of the CRDs stored now before the first request, and follows them. */
  async startCustomKinds(): Promise<void> {
    await this.customKinds?.start();
  }

  /** The OpenAPI documents of the kinds served now, rebuilt when they change. */
  private openapiDocuments(): NonNullable<RequestHandler['openapiOf']> {
    const kinds = this.options.registry.resources;
    if (this.openapiOf?.kinds !== kinds) this.openapiOf = { kinds, document: buildOpenApiV3([...kinds]) };
    return this.openapiOf;
  }

  private get openapi(): OpenApiV3 {
    return this.openapiDocuments().document;
  }

  /** The Swagger document of the same kinds, built on first use. */
  private openapiV2(): SwaggerBodies {
    const documents = this.openapiDocuments();
    return (documents.v2 ??= swaggerBodies(documents.document));
  }

  /**
   * The requester of an authenticated request: the authenticated user, or the user they
   * impersonate (if they may); then the request itself must be authorized.
   */
  private authorize(req: IncomingMessage, user: UserInfo, url: RequestUrl): Requester {
    const actingAs = wantsImpersonation(req.headers) ? impersonate(req.headersDistinct, user, this.access.authorizer) : user;
    const attributes = requestAttributes(actingAs, req.method, url.pathname, url.searchParams);
    this.authorizeAttributes(attributes);
    return { ...this.access, user: actingAs, tokens: this.options.tokenReview };
  }

  private authorizeAttributes(attributes: RequestAttributes): void {
    const result = this.access.authorizer.authorize(attributes);
    if (result.decision !== 'allow') throw forbidden(attributes, result.reason);
  }

  /**
   * An HTTP upgrade: `pods/exec` and `pods/attach` (a websocket or SPDY/3.1) and `pods/portforward` (SPDY/3.1, or SPDY in a websocket) take one. Authenticated like any request;
   * every refusal before the handshake is a Status written on the raw socket.
   */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = requestUrl(req.url);
    try {
      const r = route(url.pathname, this.options.registry.resources);
      const user = this.authenticator.authenticate(req);
      if (!user) throw new ApiError('Unauthorized', 'Unauthorized');
      const requester = this.authorize(req, user, url);
      // A websocket exec is a GET; creating an exec session also needs `create` (Kubernetes 1.32's AuthorizePodWebsocketUpgradeCreatePermission).
      this.authorizeAttributes({ ...requestAttributes(requester.user, 'POST', url.pathname, url.searchParams) });
      if (r.type === 'badRequest') throw badRequest(r.message);
      if (r.type !== 'resource') throw pathNotFound();
      const sub = subresourceOf(r.target);
      if (sub?.type !== 'connect' || sub.connect === 'log') throw new ApiError('BadRequest', 'only pods/exec, pods/attach, pods/portforward and the proxy subresources can be upgraded');
      if (req.method !== 'GET' && req.method !== 'POST') throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
      if (sub.connect === 'portforward') return await this.portForward.upgrade({ req, socket, head, target: r.target });
      if (sub.connect === 'proxy') return await upgradeProxy(this.options.registry, this.options.streams, req, socket, head, r.target);
      await this.exec.upgrade({ req, socket, head, target: r.target, query: url.searchParams, mode: sub.connect });
    } catch (err: unknown) {
      const apiError = toApiError(err);
      if (apiError.code === 'InternalError') this.log(`apiserver: upgrade ${req.method ?? ''} ${req.url ?? ''}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      rejectUpgrade(socket, apiError);
    }
  }

  dispose(): void {
    this.stopping.abort();
    this.policy?.dispose();
    this.customKinds?.dispose();
    this.detachCaches();
    this.exec.dispose();
    this.portForward.dispose();
    this.watchCaches.dispose();
  }

  logError(line: string): void {
    this.log(line);
  }

  private async serve(req: IncomingMessage, res: ServerResponse, url: RequestUrl, pretty: boolean): Promise<void> {
    const r = route(url.pathname, this.options.registry.resources);
    if (isPublic(r)) return this.servePublic(res, r, url.searchParams, pretty);
    const authenticated = this.authenticator.authenticate(req);
    if (!authenticated && isClusterInfoRead(req.method, r)) return this.serveClusterInfo(res, pretty);
    if (!authenticated) throw new ApiError('Unauthorized', 'Unauthorized');
    const requester = this.authorize(req, authenticated, url);
    const user = requester.user;
    const kind = requestClassOf(req.method, r, url.searchParams);
    const admission = await this.admit(res, kind, user.name);
    res.once('close', () => admission.release());
    if (kind === 'watch' || kind === 'longRunning') keepWhileStreaming(res);
    try {
      // The Swagger document negotiates its own media types (protobuf among them).
      if (r.type === 'openapiV2' && req.method === 'GET') serveOpenApiV2(req, res, () => this.openapiV2());
      else await this.serveApi(this.scopeFor(req, res, url, requester, pretty), r);
    } finally {
      if (kind === 'readonly' || kind === 'mutating') admission.release();
    }
  }

  /** A slot under the limits; a client that hangs up while queued gives its place up. */
  private async admit(res: ServerResponse, kind: RequestClass, user: string): Promise<Admission> {
    const gone = new AbortController();
    const onClose = (): void => gone.abort();
    res.once('close', onClose);
    try {
      return await this.limiter.admit(kind, user, gone.signal);
    } finally {
      res.off('close', onClose);
    }
  }

  private scopeFor(req: IncomingMessage, res: ServerResponse, url: RequestUrl, requester: Requester, pretty: boolean): RequestScope {
    const output = negotiateOutput(req.headers.accept);
    const encoding: Encoding = { format: output.format, pretty };
    return { req, res, query: url.searchParams, user: requester.user, requester, registry: this.options.registry, settings: this.settings, output, encoding, streams: this.options.streams, watchCaches: this.watchCaches };
  }

  private async servePublic(res: ServerResponse, r: Route, query: URLSearchParams, pretty: boolean): Promise<void> {
    if (r.type === 'version') return writeBody(res, 200, versionInfo(), { format: 'json', pretty });
    if (r.type !== 'health') return;
    const etcd = { name: 'etcd', check: () => this.options.registry.checkReady() };
    await serveHealth(res, r.check, checksFor(r.check, etcd), r.single, query.has('verbose'));
  }

  private async serveClusterInfo(res: ServerResponse, pretty: boolean): Promise<void> {
    const configMap = await this.options.registry.get('configmaps', CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME);
    writeBody(res, 200, configMap, { format: 'json', pretty });
  }

  private async serveApi(scope: RequestScope, r: Route): Promise<void> {
    const { resources } = this.options.registry;
    const json: Encoding = { format: 'json', pretty: scope.encoding.pretty };
    if (r.type === 'resource') return serveResource(scope, r.target);
    if (r.type === 'badRequest') throw badRequest(r.message);
    if (r.type === 'notFound') throw pathNotFound();
    if (scope.req.method !== 'GET') throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
    switch (r.type) {
      case 'api':
      case 'apis': return this.serveDiscoveryRoot(scope, r.type, json);
      case 'group': return writeBody(scope.res, 200, apiGroupDocument(resources, r.group), json);
      case 'resourceList': return writeBody(scope.res, 200, apiResourceList(resources, r.group, r.version), json);
      case 'openapiV3': return serveOpenApiV3(scope.req, scope.res, this.openapi, r.path, scope.query);
      default: throw pathNotFound();
    }
  }

  /** `/api` and `/apis`: aggregated when the client asks for it, else APIVersions / APIGroupList. */
  private serveDiscoveryRoot(scope: RequestScope, path: 'api' | 'apis', json: Encoding): void {
    const { resources } = this.options.registry;
    if (serveAggregatedDiscovery(scope.req, scope.res, resources, path)) return;
    writeBody(scope.res, 200, path === 'api' ? apiVersions(this.serverAddress()) : apiGroupList(resources), json);
  }

  private serverAddress(): string {
    return this.options.advertiseAddress ?? `${this.options.host && this.options.host !== '0.0.0.0' ? this.options.host : '127.0.0.1'}:${this.port}`;
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown, pretty: boolean): void {
    // The client is gone (it hung up, or was cut for being slow): nobody to answer, and nothing
    // unexpected to report — logging it would let any client fill the log.
    if (req.socket.destroyed) return;
    const apiError = toApiError(err);
    if (apiError.code === 'InternalError') this.log(`apiserver: ${req.method ?? ''} ${req.url ?? ''}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    // A body left unread (too large, or never read) must not be parsed as the next request.
    if (!req.complete) res.setHeader('Connection', 'close');
    writeError(res, apiError, pretty);
  }
}

/**
 * A stream may be quiet for long (a watch with no changes, a silent container's log): the idle
 * socket timeout does not end it while it runs, only once it has ended (a client that stopped
 * reading the rest).
 */
function keepWhileStreaming(res: ServerResponse): void {
  res.on('timeout', () => {
    if (res.writableEnded) res.socket?.destroy();
  });
}
