/**
 * DELETE of one object and of a collection. A finished deletion answers with the object for
 * kinds that return it (pods, namespaces) and a Success Status otherwise; an object that stays
 * (graceful deletion, finalizers) is answered with its new state. A kind may add `Warning`
 * headers for the options asked (a Job deleted without a propagationPolicy).
 */
import type { RequestScope } from '../request-scope';
import { deleteOptionsFrom, listOptionsFrom } from '../request-options';
import { badRequest } from '../../../api/errors';
import { parseJsonBody, readBody } from '../request-body';
import { decodeTyped, TypedDecodeError } from '../schema/typed-decoder';
import { writeBody } from '../respond';
import type { ResourceTarget } from '../router';
import { successStatus } from '../status-response';
import { writeResult } from './read-handlers';
import { addWarnings } from './request-body-value';

const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/** A DeleteOptions body, decoded as its Go type (wrong types are a 400, unknown fields dropped). */
async function optionsBody(scope: RequestScope): Promise<unknown> {
  const body = await readBody(scope.req, scope.settings.maxBodyBytes);
  if (body.length === 0) return undefined;
  const { value } = parseJsonBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  try {
    return decodeTyped(DELETE_OPTIONS, value).value;
  } catch (err: unknown) {
    if (err instanceof TypedDecodeError) throw badRequest(`DeleteOptions in version "v1" cannot be handled as a DeleteOptions: ${err.message}`);
    throw err;
  }
}

export async function serveDelete(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const options = deleteOptionsFrom(scope.query, await optionsBody(scope));
  const name = target.name ?? '';
  addWarnings(scope, target.info.strategy.deleteWarnings?.(options) ?? []);
  const outcome = await scope.registry.delete(target.info, target.namespace, name, options);
  if (!outcome.removed || target.info.strategy.returnDeletedObject) return writeResult(scope, target, 200, outcome.object);
  const details = { name, ...(target.info.group ? { group: target.info.group } : {}), kind: target.info.resource, uid: outcome.object.metadata.uid };
  writeBody(scope.res, 200, successStatus(200, details), scope.encoding);
}

export async function serveDeleteCollection(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const options = deleteOptionsFrom(scope.query, await optionsBody(scope));
  addWarnings(scope, target.info.strategy.deleteWarnings?.(options) ?? []);
  const list = await scope.registry.deleteCollection(target.info, { ...listOptionsFrom(scope.query, target.namespace), ...options });
  writeResult(scope, target, 200, list);
}
