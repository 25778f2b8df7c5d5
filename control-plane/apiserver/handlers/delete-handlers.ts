/**
 * DELETE of one object and of a collection. A finished deletion answers with the object for
 * kinds that return it (pods, namespaces) and a Success Status otherwise; an object that stays
 * (graceful deletion, finalizers) is answered with its new state.
 */
import type { RequestScope } from '../request-scope';
import { deleteOptionsFrom, listOptionsFrom } from '../request-options';
import { parseJsonBody, readBody } from '../request-body';
import { writeBody } from '../respond';
import type { ResourceTarget } from '../router';
import { successStatus } from '../status-response';
import { strategyFor } from '../strategies';
import { writeResult } from './read-handlers';

async function optionsBody(scope: RequestScope): Promise<unknown> {
  const body = await readBody(scope.req, scope.settings.maxBodyBytes);
  return body.length === 0 ? undefined : parseJsonBody(body);
}

export async function serveDelete(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const options = deleteOptionsFrom(scope.query, await optionsBody(scope));
  const name = target.name ?? '';
  const outcome = await scope.registry.delete(target.info, target.namespace, name, options);
  if (!outcome.removed || strategyFor(target.info).returnDeletedObject) return writeResult(scope, target, 200, outcome.object);
  const details = { name, ...(target.info.group ? { group: target.info.group } : {}), kind: target.info.resource, uid: outcome.object.metadata.uid };
  writeBody(scope.res, 200, successStatus(200, details), scope.encoding);
}

export async function serveDeleteCollection(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const options = deleteOptionsFrom(scope.query, await optionsBody(scope));
  const list = await scope.registry.deleteCollection(target.info, { ...listOptionsFrom(scope.query, target.namespace), ...options });
  writeResult(scope, target, 200, list);
}
