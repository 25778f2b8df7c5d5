/** Which strategy prepares and validates each served resource; kinds not listed use the default. */
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../registry/default-strategy';
import { eventStrategy } from '../registry/kinds/event';
import { namespaceStrategy } from '../registry/kinds/namespace';
import { nodeStrategy } from '../registry/kinds/node';
import { endpointSliceStrategy, endpointsStrategy } from '../registry/kinds/endpoints';
import { podStrategy } from '../registry/kinds/pod';
import { serviceStrategy } from '../registry/kinds/service';
import type { ResourceInfo } from '../registry/resource-info';
import type { ResourceStrategy } from '../registry/strategy';

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
