/** Which strategy prepares and validates each served resource; kinds not listed use the default. */
import { defaultStrategy, SPEC_STATUS_FIELDS } from './default-strategy';
import { eventStrategy } from './event-strategy';
import { namespaceStrategy } from './namespace-strategy';
import { nodeStrategy } from './node-strategy';
import { podStrategy } from './pod-strategy';
import type { ResourceInfo } from './resource-info';
import type { ResourceStrategy } from './strategy';

const STRATEGIES: Record<string, ResourceStrategy> = {
  '/namespaces': namespaceStrategy,
  '/nodes': nodeStrategy,
  '/pods': podStrategy,
  '/events': eventStrategy,
};

const FALLBACK = defaultStrategy({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

export function strategyFor(info: Pick<ResourceInfo, 'group' | 'resource'>): ResourceStrategy {
  return STRATEGIES[`${info.group}/${info.resource}`] ?? FALLBACK;
}
