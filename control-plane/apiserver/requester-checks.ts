/**
 * What a request's writes owe to who sent them, as the `admit` hook of the registry write: on a
 * create (POST, a PUT or server-side apply that creates), the fields the kind takes from its
 * requester (`fromRequester`: a CSR's spec.username); then the kind's own checks of the
 * requester (`requesterCheck`, RBAC's escalation prevention).
 */
import type { KubeObject } from '../../api/meta';
import type { ResourceDefinition } from '../registry/resource-definition';
import type { WriteOptions } from '../registry/registry';
import type { RequestScope } from './request-scope';

export function admitFor(scope: RequestScope, info: ResourceDefinition): WriteOptions['admit'] {
  const { requesterCheck: check, fromRequester: stamp } = info;
  if (!check && !stamp) return undefined;
  return (next: KubeObject, current: KubeObject | undefined) => {
    if (current === undefined) stamp?.(next, scope.requester);
    check?.(scope.requester, next, current);
  };
}
