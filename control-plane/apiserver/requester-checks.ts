/**
 * A kind's own checks of the requester (its `requesterCheck`, RBAC's escalation prevention),
 * as the `admit` hook of the registry write a request makes.
 */
import type { KubeObject } from '../../api/meta';
import type { ResourceDefinition } from '../registry/resource-definition';
import type { WriteOptions } from '../registry/registry';
import type { RequestScope } from './request-scope';

export function admitFor(scope: RequestScope, info: ResourceDefinition): WriteOptions['admit'] {
  const check = info.requesterCheck;
  if (!check) return undefined;
  return (next: KubeObject, current: KubeObject | undefined) => check(scope.requester, next, current);
}
