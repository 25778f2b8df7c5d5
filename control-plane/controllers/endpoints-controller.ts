/**
 * Keeps each selector Service's Endpoints equal to the pods it selects (Kubernetes' endpoints
 * controller). Level-triggered: services and pods only enqueue `namespace/name` of the
 * services concerned; reconcile reads the service and pods from the informers and the
 * Endpoints from the registry, and writes only when the result differs (an idle cluster does
 * not wear the SD card). Services without a selector keep user-written Endpoints untouched;
 * a deleted service's Endpoints go.
 */
import type { Pod } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import type { Endpoints, Service } from '../../api/service-v1';
import type { Registry } from '../registry/registry';
import { ENDPOINTS } from '../registry/kinds';
import { stableJson } from '../registry/object-meta';
import { logText } from '../log-text';
import type { Disposable } from '../../base/disposable';
import type { Informer } from '../store/informer';
import { endpointsSubsets } from './endpoints-subsets';
import { hasManagedEndpoints, podEndpoints, selectsPod } from './service-endpoints';
import { SkipReporter } from '../reader-guard';
import { WorkQueue } from './work-queue';

export interface ServiceControllerOptions {
  registry: Registry;
  services: Informer<Service>;
  pods: Informer<Pod>;
  log?: (message: string) => void;
}

const HEADLESS_LABEL = 'service.kubernetes.io/headless';

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

export function serviceKey(svc: Service): string {
  return `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`;
}

/**
 * Enqueues a service's key on its changes and the keys of the services selecting a changed
 * pod (by its old and new labels). Shared by both endpoints controllers.
 */
export function watchServicesAndPods(opts: ServiceControllerOptions, queue: WorkQueue): Disposable[] {
  const onPod = (pod: Pod | undefined): void => {
    if (!pod) return;
    for (const svc of opts.services.list((s) => selectsPod(s, pod))) queue.add(serviceKey(svc));
  };
  return [
    opts.services.onChange((_type, svc) => queue.add(serviceKey(svc))),
    opts.pods.onChange((_type, pod, old) => (onPod(pod), onPod(old))),
  ];
}

/** Runs a service-keyed controller: waits for the caches, enqueues every service, works the queue. */
export async function runServiceController(opts: ServiceControllerOptions, queue: WorkQueue, signal: AbortSignal): Promise<void> {
  const subs = watchServicesAndPods(opts, queue);
  try {
    await Promise.all([opts.services.whenSynced(signal), opts.pods.whenSynced(signal)]);
    for (const svc of opts.services.list()) queue.add(serviceKey(svc));
    await queue.run(signal);
  } finally {
    for (const sub of subs) sub.dispose();
  }
}

export class EndpointsController {
  private readonly queue: WorkQueue;
  private readonly skipped: SkipReporter;

  constructor(private readonly opts: ServiceControllerOptions) {
    this.skipped = new SkipReporter('endpoints controller', opts.log ?? console.warn);
    this.queue = new WorkQueue((key) => this.reconcile(key), { baseDelayMs: 200, maxDelayMs: 10_000,
      onError: (key, err) => opts.log?.(`endpoints ${logText(key)}: ${logText(err)}`) });
  }

  run(signal: AbortSignal): Promise<void> {
    return runServiceController(this.opts, this.queue, signal);
  }

  /** Converges one service's Endpoints; a Conflict throws and requeues. */
  async reconcile(key: string): Promise<void> {
    const [namespace, name] = splitKey(key);
    const svc = this.opts.services.get(key);
    if (!svc) return this.deleteEndpoints(namespace, name);
    if (!hasManagedEndpoints(svc)) return;
    const pods = this.opts.pods.list((p) => p.metadata.namespace === namespace);
    const desired = desiredEndpoints(svc, endpointsSubsets(svc, podEndpoints(svc, pods, (pod, err) => this.skipped.report(pod, err))));
    const current = await this.currentEndpoints(namespace, name);
    if (!current) {
      await this.opts.registry.create(ENDPOINTS, namespace, desired);
      return;
    }
    if (sameEndpoints(current, desired)) return;
    await this.opts.registry.update(ENDPOINTS, namespace, name, { ...desired, metadata: { ...current.metadata, labels: desired.metadata.labels } });
  }

  private async currentEndpoints(namespace: string, name: string): Promise<Endpoints | undefined> {
    try {
      return await this.opts.registry.get<Endpoints>(ENDPOINTS, namespace, name);
    } catch (err: unknown) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  private async deleteEndpoints(namespace: string, name: string): Promise<void> {
    try {
      await this.opts.registry.delete(ENDPOINTS, namespace, name);
    } catch (err: unknown) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}

function desiredEndpoints(svc: Service, subsets: Endpoints['subsets']): Endpoints {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (svc.spec.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels } };
  if (subsets && subsets.length > 0) ep.subsets = subsets;
  return ep;
}

function sameEndpoints(current: Endpoints, desired: Endpoints): boolean {
  return stableJson(current.subsets ?? []) === stableJson(desired.subsets ?? []) && stableJson(current.metadata.labels ?? {}) === stableJson(desired.metadata.labels ?? {});
}
