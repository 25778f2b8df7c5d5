/** Everything a handler needs for one authenticated request. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../auth/authenticator';
import type { Requester } from '../auth/requester';
import type { OutputTarget } from './negotiation';
import type { PodStreamProvider } from './pod-stream-provider';
import type { Registry } from '../registry/registry';
import type { Encoding } from './respond';
import type { WatchCaches } from './watch-caches';

export interface WatchSettings {
  /** How often an idle watch that asked for bookmarks gets one. */
  bookmarkIntervalMs: number;
  /**
   * Bytes written to a watch client and not yet sent before its events wait, as references, in
   * its small queue in the watch cache (which drops the client when that overflows).
   */
  maxBufferedBytes: number;
}

export interface HandlerSettings {
  maxBodyBytes: number;
  watch: WatchSettings;
  now: () => Date;
}

export interface RequestScope {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  user: UserInfo;
  /** The user with the server's authorizer and rule resolver: what kinds judge requesters by. */
  requester: Requester;
  registry: Registry;
  settings: HandlerSettings;
  /** What the client accepts (negotiated before any work is done). */
  output: OutputTarget;
  /** Encoding of successful bodies (errors are always JSON). */
  encoding: Encoding;
  /** The server's watch caches, one per resource. */
  watchCaches: WatchCaches;
  /** Logs and exec through the nodes; absent when this server has no node service. */
  streams?: PodStreamProvider;
}
