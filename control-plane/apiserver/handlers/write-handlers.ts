/**
 * POST, PUT and PATCH: decode the body, hand it to the registry, answer 201 for a creation and
 * 200 otherwise, as the apiserver does. Bindings answer with a Success Status.
 */
import { badRequest } from '../../../api/errors';
import type { KubeObject } from '../../../api/meta';
import { patchBodyFormat } from '../negotiation';
import type { PatchType } from '../../registry/registry';
import type { RequestScope } from '../request-scope';
import { patchOptionsFrom, writeOptionsFrom } from '../request-options';
import { BINDINGS } from '../../registry/kinds';
import { writeBody } from '../respond';
import type { ResourceTarget } from '../router';
import { successStatus } from '../status-response';
import { strategyFor } from '../strategies';
import { BINDING_FIELDS } from '../../registry/kinds/binding';
import { parseFieldValidation } from '../field-validation';
import { addWarnings, readObjectValue, readValue } from './request-body-value';
import { writeResult } from './read-handlers';

export async function serveCreate(scope: RequestScope, target: ResourceTarget): Promise<void> {
  if (target.info === BINDINGS || target.subresource === 'binding') return serveBinding(scope, target);
  const body = await readObjectValue(scope, target.info, strategyFor(target.info).topLevelFields);
  const created = await scope.registry.create<KubeObject>(target.info, target.namespace, body, writeOptionsFrom(scope.query, 'CreateOptions'));
  writeResult(scope, target, 201, created);
}

/** `POST …/bindings` and `POST …/pods/{name}/binding` (whose body must name the same pod). */
async function serveBinding(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const body = await readObjectValue(scope, BINDINGS, BINDING_FIELDS);
  const named = body.metadata.name;
  if (target.name !== undefined && named !== target.name) throw badRequest('name in URL does not match name in Binding object');
  await scope.registry.bind(target.namespace ?? '', body, writeOptionsFrom(scope.query, 'CreateOptions'));
  writeBody(scope.res, 201, successStatus(201), scope.encoding);
}

export async function serveUpdate(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const options = writeOptionsFrom(scope.query, 'UpdateOptions');
  const body = await readObjectValue(scope, target.info, strategyFor(target.info).topLevelFields);
  const { registry } = scope;
  const name = target.name ?? '';
  if (target.subresource === 'finalize') return writeResult(scope, target, 200, await registry.finalizeNamespace(name, body, options));
  if (target.subresource === 'status') return writeResult(scope, target, 200, await registry.updateStatus(target.info, target.namespace, name, body, options));
  const outcome = await registry.update<KubeObject>(target.info, target.namespace, name, body, options);
  writeResult(scope, target, outcome.created ? 201 : 200, outcome.object);
}

/** The patched object is decoded as its kind; `fieldValidation` applies to it and to the patch's duplicate keys. */
export async function servePatch(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const type = patchBodyFormat(scope.req.headers['content-type']) as PatchType;
  const fieldValidation = parseFieldValidation(scope.query.get('fieldValidation'));
  const subresource = target.subresource === 'status' ? ('status' as const) : undefined;
  const options = { ...patchOptionsFrom(scope.query, type === 'apply-patch'), subresource, fieldValidation };
  const patch = await readValue(scope, type);
  const outcome = await scope.registry.patch<KubeObject>(target.info, target.namespace, target.name ?? '', type, patch.value, { ...options, strictErrors: patch.strictErrors });
  addWarnings(scope, outcome.warnings ?? []);
  writeResult(scope, target, outcome.created ? 201 : 200, outcome.object);
}

