/** Which printer makes the Table of each resource; the default one for the others. */
import type { ResourceInfo } from '../../registry/resource-info';
import { configMapPrinter, leasePrinter, secretPrinter, serviceAccountPrinter } from './config-printers';
import { cronJobPrinter } from './cron-job-printer';
import { daemonSetPrinter } from './daemon-set-printer';
import { defaultPrinter } from './default-printer';
import { deploymentPrinter } from './deployment-printer';
import { endpointSlicePrinter } from './endpoint-slice-printer';
import { endpointsPrinter } from './endpoints-printer';
import { eventPrinter } from './event-printer';
import { jobPrinter } from './job-printer';
import { namespacePrinter } from './namespace-printer';
import { nodePrinter } from './node-printer';
import { podPrinter } from './pod-printer';
import { replicaSetPrinter } from './replica-set-printer';
import { servicePrinter } from './service-printer';
import { statefulSetPrinter } from './stateful-set-printer';
import type { Printer } from './table';

/** By 'group/resource' ('' group for core), like the apiserver's per-storage table convertors. */
const PRINTERS: Record<string, Printer> = {
  '/pods': podPrinter,
  '/nodes': nodePrinter,
  '/namespaces': namespacePrinter,
  '/events': eventPrinter,
  '/services': servicePrinter,
  '/endpoints': endpointsPrinter,
  'discovery.k8s.io/endpointslices': endpointSlicePrinter,
  '/configmaps': configMapPrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'coordination.k8s.io/leases': leasePrinter,
};

export function printerFor(resource: Pick<ResourceInfo, 'group' | 'resource'>): Printer {
  return PRINTERS[`${resource.group}/${resource.resource}`] ?? defaultPrinter;
}
