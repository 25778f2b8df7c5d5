/**
 * Every controller the leader runs (kube-controller-manager's list, plus the scheduler's loop),
 * in one place: adding a controller is adding it here. They share the process's informers and
 * run until leadership ends. (The list lives beside the controllers, not in framework/, so the
 * framework never imports a controller.)
 */
import { setMaxListeners } from 'node:events';
import { schedulerController } from '../scheduler/scheduler';
import { logText } from '../log-text';
import { bootstrapSignerController } from './bootstrap-signer-controller';
import { clusterRoleAggregationController } from './cluster-role-aggregation-controller';
import { crdCleanupController } from './crd-cleanup-controller';
import { cronJobController } from './cron-job-controller';
import { csrApprovingController } from './csr-approving-controller';
import { csrSigningController } from './csr-signing-controller';
import { daemonSetController } from './daemon-set-controller';
import { deploymentController } from './deployment-controller';
import { disruptionController } from './disruption-controller';
import { endpointSliceController } from './endpointslice-controller';
import { endpointSliceMirroringController } from './endpointslice-mirroring-controller';
import { endpointsController } from './endpoints-controller';
import type { Controller, ControllerContext } from './framework/define-controller';
import { garbageCollectorController } from './garbage-collector-controller';
import { jobController } from './job-controller';
import { loadBalancerController } from './load-balancer-controller';
import { localPathProvisionerController } from './local-path-provisioner-controller';
import { namespaceController } from './namespace-controller';
import { nodeLifecycleController } from './node-lifecycle-controller';
import { persistentVolumeBinderController } from './persistent-volume-binder-controller';
import { podGcController } from './pod-gc-controller';
import { pvProtectionController } from './pv-protection-controller';
import { pvcProtectionController } from './pvc-protection-controller';
import { replicaSetController } from './replica-set-controller';
import { resourceQuotaController } from './resource-quota-controller';
import { rootCaCertPublisherController } from './root-ca-cert-publisher-controller';
import { serviceAccountController } from './service-account-controller';
import { stalePodDisruptionController } from './stale-pod-disruption-controller';
import { statefulSetController } from './stateful-set-controller';
import { taintEvictionController } from './taint-eviction-controller';
import { tokenCleanerController } from './token-cleaner-controller';
import { ttlAfterFinishedController } from './ttl-after-finished-controller';
import { KUBE_CONTROLLER_MANAGER, withFieldManager } from './framework/field-managed-client';

export const CONTROLLERS: readonly Controller[] = [
  schedulerController,
  nodeLifecycleController,
  taintEvictionController,
  podGcController,
  namespaceController,
  crdCleanupController,
  serviceAccountController,
  rootCaCertPublisherController,
  endpointsController,
  endpointSliceController,
  endpointSliceMirroringController,
  loadBalancerController,
  replicaSetController,
  deploymentController,
  daemonSetController,
  disruptionController,
  stalePodDisruptionController,
  statefulSetController,
  jobController,
  ttlAfterFinishedController,
  cronJobController,
  persistentVolumeBinderController,
  localPathProvisionerController,
  pvcProtectionController,
  pvProtectionController,
  clusterRoleAggregationController,
  csrApprovingController,
  csrSigningController,
  tokenCleanerController,
  bootstrapSignerController,
  resourceQuotaController,
  // Last: it shares the informers the others hold in full, and keeps only metadata of the rest.
  garbageCollectorController,
];

/**
 * Runs each controller until `signal` aborts, its writes under its field manager; one that fails
 * is logged and the others go on.
 */
export async function runControllers(controllers: readonly Controller[], ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  // Each controller listens for the abort (define-controller.ts): more than Node's default of 10.
  setMaxListeners(controllers.length + 10, signal);
  const results = await Promise.allSettled(controllers.map((c) => c.run({ ...ctx, client: withFieldManager(ctx.client, c.fieldManager ?? KUBE_CONTROLLER_MANAGER) }, signal)));
  results.forEach((r, i) => {
    if (r.status === 'rejected' && !signal.aborted) ctx.log(`${controllers[i]?.name ?? 'controller'} failed: ${logText(r.reason)}`);
  });
}
