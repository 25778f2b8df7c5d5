/** GET of one object (or its status) and of collections; watches go to watch.ts. */
import type { KubeList, KubeObject } from '../../../api/meta';
import type { CachePage } from '../cache-list';
import { includeObjectParam, render, type RenderContext } from '../object-output';
import type { RequestScope } from '../request-scope';
import { listOptionsFrom } from '../request-options';
import { writeBody, writeParts } from '../respond';
import type { ResourceTarget } from '../router';
import { cachedList, jsonListParts, listFromCache, tableListParts } from './cached-list';
import { subresourceOf } from './resource-handler';

/** Writes a successful answer in the representation the client negotiated. */
export function writeResult(scope: RequestScope, target: ResourceTarget, code: number, value: KubeObject | KubeList): void {
  const ctx = { info: target.info, target: scope.output, includeObject: includeObjectParam(scope.query), now: scope.settings.now() };
  writeBody(scope.res, code, render(value, ctx), scope.encoding);
}

export async function serveGet(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const sub = subresourceOf(target);
  if (sub?.type === 'scale') return writeResult(scope, { ...target, info: sub.body }, 200, await scope.registry.getScale(target.info, target.namespace, target.name ?? ''));
  const obj = await scope.registry.get(target.info, target.namespace, target.name ?? '');
  writeResult(scope, target, 200, obj);
}

/** From the watch cache when it can answer (handlers/cached-list.ts), else from etcd. */
export async function serveList(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const options = listOptionsFrom(scope.query, target.namespace);
  const page = await listFromCache(scope, target, options);
  if (page) return writeCachedList(scope, target, page);
  const list = await scope.registry.list(target.info, options);
  writeResult(scope, target, 200, list);
}

/**
 * Compact JSON and compact JSON Tables are written in parts from encodings the cache shares
 * (handlers/cached-list.ts); anything else (pretty, YAML, PartialObjectMetadata) is rendered as any list.
 */
async function writeCachedList(scope: RequestScope, target: ResourceTarget, page: CachePage): Promise<void> {
  const list = cachedList(target, page);
  const compactJson = scope.encoding.format === 'json' && !scope.encoding.pretty;
  const includeObject = includeObjectParam(scope.query); // refused with 400 as on every read, though plain JSON has no use for it
  const pages = scope.watchCaches.of(target.info).encodedPages;
  if (compactJson && !scope.output.as) return writeParts(scope.res, 200, jsonListParts(list, page, pages), 'application/json');
  if (!compactJson || scope.output.as !== 'Table') return writeResult(scope, target, 200, list);
  const ctx: RenderContext = { info: target.info, target: scope.output, includeObject, now: wholeSecond(scope.settings.now()) };
  await writeParts(scope.res, 200, tableListParts(list, page, ctx, pages), 'application/json');
}

/** Ages in a table are printed at the request's second (Kubernetes' timestamps have whole seconds). */
function wholeSecond(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000);
}
