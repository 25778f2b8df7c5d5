/**
 * Requests on resource paths: the verb from method and path (the apiserver's RequestInfo),
 * checked against what the resource or subresource serves (405 otherwise), then handled.
 */
import { ApiError } from '../../../api/errors';
import type { ConnectSubresource, Subresource } from '../../registry/subresource';
import type { RequestScope } from '../request-scope';
import { booleanParam } from '../request-options';
import type { ResourceTarget } from '../router';
import { serveWatch } from '../watch';
import { serveDelete, serveDeleteCollection } from './delete-handlers';
import { servePortForward } from './port-forward-handler';
import { serveProxy } from './proxy-handler';
import { serveAttach, serveExec } from './exec-handler';
import { serveLog } from './log-handler';
import { serveGet, serveList } from './read-handlers';
import { addWarnings } from './request-body-value';
import { serveCreate, servePatch, serveUpdate } from './write-handlers';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export function verbOf(method: string | undefined, target: ResourceTarget, query: URLSearchParams): Verb | undefined {
  const named = target.name !== undefined;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (target.watchPath || booleanParam(query, 'watch')) return 'watch';
      return named ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PUT': return named ? 'update' : undefined;
    case 'PATCH': return named ? 'patch' : undefined;
    case 'DELETE': return named ? 'delete' : 'deletecollection';
    default: return undefined;
  }
}

function allowedVerbs(target: ResourceTarget): readonly string[] {
  if (target.subresource === undefined) return target.info.verbs;
  return subresourceOf(target)?.verbs ?? [];
}

/** The definition's entry for the subresource the target names, if any. */
export function subresourceOf(target: ResourceTarget): Subresource | undefined {
  const { subresource, info } = target;
  return subresource !== undefined && Object.hasOwn(info.subresources, subresource) ? info.subresources[subresource] : undefined;
}

function methodNotAllowed(): ApiError {
  return new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

const HANDLERS: Record<Verb, (scope: RequestScope, target: ResourceTarget) => Promise<void>> = {
  get: serveGet,
  list: serveList,
  watch: serveWatch,
  create: serveCreate,
  update: serveUpdate,
  patch: servePatch,
  delete: serveDelete,
  deletecollection: serveDeleteCollection,
};

/** Subresources that are no object but a stream to a container through its node, by their `connect` name. */
const CONNECT_HANDLERS: Record<ConnectSubresource['connect'], (scope: RequestScope, target: ResourceTarget) => Promise<void>> = {
  log: (scope, target) => serveLog(scope, target, scope.streams),
  exec: serveExec,
  attach: serveAttach,
  portforward: servePortForward,
  proxy: serveProxy,
};

export async function serveResource(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const verb = verbOf(scope.req.method, target, scope.query);
  if (target.info.deprecationWarning !== undefined) addWarnings(scope, [target.info.deprecationWarning]);
  if (!verb || !allowedVerbs(target).includes(verb)) throw methodNotAllowed();
  const subresource = subresourceOf(target);
  if (subresource?.type === 'connect') return CONNECT_HANDLERS[subresource.connect](scope, target);
  if (verb === 'create' && target.name !== undefined && target.subresource === undefined) throw methodNotAllowed();
  await HANDLERS[verb](scope, target);
}
