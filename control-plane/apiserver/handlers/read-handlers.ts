/** GET of one object (or its status) and of collections; watches go to watch.ts. */
import type { KubeList, KubeObject } from '../../../api/meta';
import type { CachedEntry } from '../cache-list';
import type { Page } from '../list-pagination';
import { includeObjectParam, render } from '../object-output';
import type { RequestScope } from '../request-scope';
import { listOptionsFrom } from '../request-options';
import { writeBody, writeEncoded } from '../respond';
import type { ResourceTarget } from '../router';
import { cachedList, cachedListBody, listFromCache } from './cached-list';
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

/** Plain compact JSON is written from the items' cached JSON bytes; anything else is rendered as any list. */
function writeCachedList(scope: RequestScope, target: ResourceTarget, page: Page<CachedEntry>): void {
  const list = cachedList(target, page);
  const plainJson = !scope.output.as && scope.encoding.format === 'json' && !scope.encoding.pretty;
  if (!plainJson) return writeResult(scope, target, 200, list);
  includeObjectParam(scope.query); // refused with 400 as on every read, though plain JSON has no use for it
  writeEncoded(scope.res, 200, cachedListBody(list, page.items), 'application/json');
}
