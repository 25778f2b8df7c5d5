/** Which strategy prepares and validates each served resource; kinds not listed use the default. */
import { defaultStrategy, SPEC_STATUS_FIELDS } from './default-strategy';
import { eventStrategy } from './event-strategy';
import { namespaceStrategy } from './namespace-strategy';
import { nodeStrategy } from './node-strategy';
import { endpointSliceStrategy, endpointsStrategy } from './endpoints-strategy';
import { podStrategy } from './pod-strategy';
import { serviceStrategy } from './service-strategy';
import type { ResourceInfo } from './resource-info';
import type { ResourceStrategy } from './strategy';

const STRATEGIES: Record<string, ResourceStrategy> = {
  '/namespaces': namespaceStrategy,
  '/nodes': nodeStrategy,
  '/pods': podStrategy,
  '/events': eventStrategy,
  '/services': serviceStrategy,
  '/endpoints': endpointsStrategy,
  'discovery.k8s.io/endpointslices': endpointSliceStrategy,
};

const FALLBACK = defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

export function strategyFor(info: Pick<ResourceInfo, 'group' | 'resource'>): ResourceStrategy {
  return STRATEGIES[`${info.group}/${info.resource}`] ?? FALLBACK;
}
