/**
 * POST, PUT and PATCH: decode the body, hand it to the registry, answer 201 for a creation and
 * 200 otherwise, as the apiserver does. A write subresource whose definition says so
 * (`pods/binding`) answers with a Success Status.
 */
import { badRequest } from '../../../api/errors';
import type { KubeObject } from '../../../api/meta';
import { resolveResource } from '../../registry/kinds';
import type { PatchType } from '../../registry/registry';
import type { ResourceDefinition } from '../../registry/resource-definition';
import { patchBodyFormat } from '../negotiation';
import type { RequestScope } from '../request-scope';
import { patchOptionsFrom, writeOptionsFrom } from '../request-options';
import { writeBody } from '../respond';
import type { ResourceTarget } from '../router';
import { successStatus } from '../status-response';
import { parseFieldValidation } from '../field-validation';
import { addWarnings, readObjectValue, readValue } from './request-body-value';
import { writeResult } from './read-handlers';
import { subresourceOf } from './resource-handler';
import { admitFor } from '../requester-checks';

export async function serveCreate(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const through = target.info.createsThrough;
  if (through) return serveCreateThrough(scope, target, through);
  if (target.info.review && target.subresource === undefined) return serveReview(scope, target, target.info.review);
  if (subresourceOf(target)?.type === 'action') return serveSubresourceAction(scope, target);
  if (subresourceOf(target)?.type === 'create') return serveSubresourceCreate(scope, target);
  if (target.subresource !== undefined) return serveSubresourceWrite(scope, target, 201);
  const body = await readObjectValue(scope, target.info, target.info.strategy.topLevelFields);
  const options = { ...writeOptionsFrom(scope.query, 'CreateOptions', scope.req.headers['user-agent']), admit: admitFor(scope, target.info) };
  const created = await scope.registry.create<KubeObject>(target.info, target.namespace, body, options);
  writeResult(scope, target, 201, created);
}

/** A question kind (an access review): the body decoded as its kind, answered for the requester, never stored. */
async function serveReview(scope: RequestScope, target: ResourceTarget, review: NonNullable<ResourceDefinition['review']>): Promise<void> {
  const body = await readObjectValue(scope, target.info, target.info.strategy.topLevelFields);
  writeResult(scope, target, 201, review(body, scope.requester, target.namespace));
}

/** `POST …/bindings`: a kind never stored, whose create is a write to a subresource of another. */
async function serveCreateThrough(scope: RequestScope, target: ResourceTarget, through: NonNullable<ResourceDefinition['createsThrough']>): Promise<void> {
  const parent = resolveResource(scope.registry.resources, through.resource);
  if (!parent) throw new Error(`${target.info.resource} are created through ${through.resource}, which is not served`);
  await serveSubresourceWrite(scope, { ...target, info: parent, subresource: through.subresource, name: undefined }, 201);
}

/**
 * A write to a subresource that changes its parent (`pods/{name}/binding`,
 * `namespaces/{name}/finalize`). A body of another kind (a Binding) must name the parent of
 * the URL; the parent's own kind is checked by the registry.
 */
async function serveSubresourceWrite(scope: RequestScope, target: ResourceTarget, code: number): Promise<void> {
  const handler = subresourceOf(target);
  if (handler?.type !== 'write') throw new Error(`${target.info.resource}/${target.subresource ?? ''} is not a write subresource`);
  const bodyKind = handler.body ?? target.info;
  const body = await readObjectValue(scope, bodyKind, bodyKind.strategy.topLevelFields);
  const foreign = handler.body !== undefined;
  if (foreign && target.name !== undefined && body.metadata.name !== target.name) throw badRequest(`name in URL does not match name in ${bodyKind.kind} object`);
  const options = writeOptionsFrom(scope.query, code === 201 ? 'CreateOptions' : 'UpdateOptions', scope.req.headers['user-agent']);
  const name = foreign ? undefined : target.name;
  const parent = await scope.registry.writeSubresource(target.info, target.subresource ?? '', target.namespace, name, body, options);
  if (handler.answersStatus) return writeBody(scope.res, code, successStatus(code), scope.encoding);
  writeResult(scope, target, code, parent);
}

/** A POST to an action subresource (`pods/{name}/eviction`): its Status is the answer, with the Status's code. */
async function serveSubresourceAction(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const handler = subresourceOf(target);
  if (handler?.type !== 'action') throw new Error(`${target.info.resource}/${target.subresource ?? ''} is not an action subresource`);
  const body = await readObjectValue(scope, handler.body, handler.body.strategy.topLevelFields);
  const options = writeOptionsFrom(scope.query, 'CreateOptions', scope.req.headers['user-agent']);
  const status = await scope.registry.act(target.info, target.subresource ?? '', target.namespace ?? '', target.name ?? '', body, options);
  writeBody(scope.res, status.code, status, scope.encoding);
}

/** A POST to a create subresource (`serviceaccounts/{name}/token`): 201 with the object made, of the body's kind. */
async function serveSubresourceCreate(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const handler = subresourceOf(target);
  if (handler?.type !== 'create') throw new Error(`${target.info.resource}/${target.subresource ?? ''} is not a create subresource`);
  const body = await readObjectValue(scope, handler.body, handler.body.strategy.topLevelFields);
  const options = writeOptionsFrom(scope.query, 'CreateOptions', scope.req.headers['user-agent']);
  const made = await scope.registry.createSubresource(target.info, target.subresource ?? '', target.namespace ?? '', target.name ?? '', body, options);
  writeResult(scope, { ...target, info: handler.body }, 201, made);
}

export async function serveUpdate(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const sub = subresourceOf(target);
  if (sub?.type === 'write') return serveSubresourceWrite(scope, target, 200);
  const options = writeOptionsFrom(scope.query, 'UpdateOptions', scope.req.headers['user-agent']);
  if (sub?.type === 'scale') {
    const scale = await readObjectValue(scope, sub.body, sub.body.strategy.topLevelFields);
    return writeResult(scope, { ...target, info: sub.body }, 200, await scope.registry.updateScale(target.info, target.namespace, target.name ?? '', scale, options));
  }
  const body = await readObjectValue(scope, target.info, target.info.strategy.topLevelFields);
  const { registry } = scope;
  const name = target.name ?? '';
  const mainOptions = { ...options, admit: admitFor(scope, target.info) };
  if (target.subresource === 'status') return writeResult(scope, target, 200, await registry.updateStatus(target.info, target.namespace, name, body, options));
  const outcome = await registry.update<KubeObject>(target.info, target.namespace, name, body, mainOptions);
  writeResult(scope, target, outcome.created ? 201 : 200, outcome.object);
}

/** The patched object is decoded as its kind; `fieldValidation` applies to it and to the patch's duplicate keys. */
export async function servePatch(scope: RequestScope, target: ResourceTarget): Promise<void> {
  const type = patchBodyFormat(scope.req.headers['content-type']) as PatchType;
  const fieldValidation = parseFieldValidation(scope.query.get('fieldValidation'));
  const subresource = target.subresource === 'status' ? ('status' as const) : undefined;
  const admit = subresource === undefined ? admitFor(scope, target.info) : undefined;
  const options = { ...patchOptionsFrom(scope.query, type === 'apply-patch', scope.req.headers['user-agent']), subresource, fieldValidation, admit };
  const patch = await readValue(scope, type);
  const patchOptions = { ...options, strictErrors: patch.strictErrors };
  const sub = subresourceOf(target);
  const name = target.name ?? '';
  if (sub?.type === 'scale') {
    const scaled = await scope.registry.patchScale(target.info, target.namespace, name, type, patch.value, patchOptions);
    addWarnings(scope, scaled.warnings ?? []);
    return writeResult(scope, { ...target, info: sub.body }, 200, scaled.object);
  }
  const outcome = await scope.registry.patch<KubeObject>(target.info, target.namespace, name, type, patch.value, patchOptions);
  addWarnings(scope, outcome.warnings ?? []);
  writeResult(scope, target, outcome.created ? 201 : 200, outcome.object);
}

