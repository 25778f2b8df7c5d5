/**
 * Keeps each selector Service's EndpointSlices equal to the pods it selects (Kubernetes'
 * endpointslice controller), level-triggered like the endpoints controller. Slices it manages
 * carry `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io` and the
 * service's name label; only differing slices are written, so an unchanged service writes
 * nothing. Services without a selector get no slices from here (see the mirroring controller).
 */
import { ENDPOINTSLICE_CONTROLLER } from '../../api/service-v1';
import { logText } from '../log-text';
import { desiredSliceContents } from './endpoint-slices';
import { EndpointSliceWriter } from './endpoint-slice-writer';
import { runServiceController, type ServiceControllerOptions } from './endpoints-controller';
import { hasManagedEndpoints, podEndpoints } from './service-endpoints';
import { SkipReporter } from '../reader-guard';
import { WorkQueue } from './work-queue';

export class EndpointSliceController {
  private readonly queue: WorkQueue;
  private readonly writer: EndpointSliceWriter;
  private readonly skipped: SkipReporter;

  constructor(private readonly opts: ServiceControllerOptions) {
    this.skipped = new SkipReporter('endpointslice controller', opts.log ?? console.warn);
    this.writer = new EndpointSliceWriter(opts.registry, ENDPOINTSLICE_CONTROLLER);
    this.queue = new WorkQueue((key) => this.reconcile(key), { baseDelayMs: 200, maxDelayMs: 10_000,
      onError: (key, err) => opts.log?.(`endpointslices ${logText(key)}: ${logText(err)}`) });
  }

  run(signal: AbortSignal): Promise<void> {
    return runServiceController(this.opts, this.queue, signal);
  }

  async reconcile(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const svc = this.opts.services.get(key);
    if (svc && !hasManagedEndpoints(svc)) return;
    const existing = await this.writer.managedSlices(namespace, name);
    if (!svc) return this.writer.deleteAll(existing);
    const pods = this.opts.pods.list((p) => p.metadata.namespace === namespace);
    await this.writer.converge(svc, existing, desiredSliceContents(svc, podEndpoints(svc, pods, (pod, err) => this.skipped.report(pod, err))));
  }
}
