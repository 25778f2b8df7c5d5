/** GET of one object (or its status) and of collections; watches go to watch.ts. */
import type { KubeList, KubeObject } from '../../../api/meta';
import { includeObjectParam, render } from '../object-output';
import type { RequestScope } from '../request-scope';
import { listOptionsFrom } from '../request-options';
import { writeBody } from '../respond';
import type { ResourceTarget } from '../router';

/** Writes a successful answer in the representation the client negotiated. */
export function writeResult(scope: RequestScope, target: ResourceTarget, code: number, value: KubeObject | KubeList): void {
  const ctx = { info: target.info, target: scope.output, includeObject: includeObjectParam(scope.query), now: scope.settings.now() };
  writeBody(scope.res, code, render(value, ctx), scope.encoding);
}

export async function serveGet(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const obj = await scope.registry.get(target.info, target.namespace, target.name ?? '');
  writeResult(scope, target, 200, obj);
}

export async function serveList(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const list = await scope.registry.list(target.info, listOptionsFrom(scope.query, target.namespace));
  writeResult(scope, target, 200, list);
}
