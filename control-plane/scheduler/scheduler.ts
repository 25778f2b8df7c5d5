/**
 * The default scheduler's loop, on the controller framework: every pending pod is a key;
 * reconcile decides with scheduling-plan.ts and binds. A pod that fits nowhere gets
 * PodScheduled=False (reason Unschedulable) and a FailedScheduling event, and is tried again
 * when nodes change or a pod goes (capacity may have freed) and at least every
 * `retryUnschedulableMs`. One worker: decisions are serial, as in kube-scheduler, so each sees
 * the previous one (through the assumed pods).
 */
import type { Binding, Node, PersistentVolumeClaim, Pod } from '../../api/core-v1';
import { isApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { changesOf, defineController, type Controller, type ControllerSetup } from '../controllers/framework/define-controller';
import { BY_NAMESPACE, BY_NODE } from '../controllers/framework/informer-factory';
import { logText } from '../log-text';
import { SkipReporter } from '../reader-guard';
import { cacheKey, type ChangeType, type Informer } from '../store/informer';
import { AssumedPods } from './assumed-pods';
import { DEFAULT_SCHEDULER_NAME, needsScheduling, planScheduling } from './scheduling-plan';
import { claimNamesOf, type VolumeView } from './volume-binding';
import type { PersistentVolume, StorageClass } from '../../api/storage-v1';
import { ANN_SELECTED_NODE } from '../storage/volume-annotations';
import { isTerminated } from './node-fit';

export interface SchedulerOptions {
  retryUnschedulableMs?: number;
  random?: () => number;
}

/** The pod's own key when it waits for a node; every pending key when it frees capacity. */
function podChangeKeys(pods: Informer<Pod>): (pod: Pod, old: Pod | undefined, type: ChangeType) => string[] {
  return (pod, old, type) => {
    if (type !== 'DELETED' && needsScheduling(pod)) {
      // Our own status write (PodScheduled=False) must not retrigger the pod: only spec changes do.
      const statusOnly = old !== undefined && JSON.stringify(old.spec) === JSON.stringify(pod.spec);
      return statusOnly ? [] : [cacheKey(pod)];
    }
    // Only a pod on a node frees capacity (kube-scheduler's AssignedPodDelete): the deletion of
    // a pending pod (assumed ones are released by their expectations) wakes nobody.
    const freed = Boolean(pod.spec?.nodeName) && (type === 'DELETED' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed');
    return freed ? pods.list(needsScheduling).map(cacheKey) : [];
  };
}

export function schedulerControllerWith(options: SchedulerOptions = {}): Controller {
  return defineController({
    name: DEFAULT_SCHEDULER_NAME,
    fieldManager: 'kube-scheduler',
    queue: { workers: 1 },
    setup(ctx) {
      const pods = ctx.informers.forResource<Pod>('pods');
      const nodes = ctx.informers.forResource<Node>('nodes');
      const claims = ctx.informers.forResource<PersistentVolumeClaim & KubeObject>('persistentvolumeclaims');
      const claimOf = (namespace: string, name: string): PersistentVolumeClaim | undefined => claims.get(`${namespace}/${name}`);
      const pvs = ctx.informers.forResource<PersistentVolume>('persistentvolumes');
      const classes = ctx.informers.forResource<StorageClass>('storageclasses.storage.k8s.io');
      const volumes: Omit<VolumeView, 'claimOf'> = {
        volumeOf: (name) => pvs.get(name), volumes: () => pvs.list(), classOf: (name) => classes.get(name),
        podsUsingClaim: (namespace, name) => pods.byIndex(BY_NAMESPACE, namespace).filter((p) => !isTerminated(p) && claimNamesOf(p).includes(name)),
      };
      const assumed: AssumedPods = new AssumedPods(ctx.expectations(pods, (key) => assumed.release(key)));
      const skipped = new SkipReporter('scheduler', ctx.log);
      const podsOn = (nodeName: string): Pod[] => {
        const bound = pods.byIndex(BY_NODE, nodeName);
        return [...bound, ...assumed.on(nodeName, bound)];
      };
      return {
        watches: [
          changesOf(pods, podChangeKeys(pods)),
          changesOf(nodes, () => pods.list(needsScheduling).map(cacheKey)),
          changesOf(claims, (claim) => podsUsingClaim(pods, claim)),
          // A volume appearing, bound or going, or a class, may let a pod with claims through.
          changesOf(pvs, () => pods.list((p) => needsScheduling(p) && claimNamesOf(p).length > 0).map(cacheKey)),
          changesOf(classes, () => pods.list((p) => needsScheduling(p) && claimNamesOf(p).length > 0).map(cacheKey)),
        ],
        async reconcile(key) {
          const pod = pods.get(key);
          if (!pod || !needsScheduling(pod) || assumed.isAssumed(key)) return {};
          const plan = planScheduling(pod, { nodes: nodes.list(), podsOn, random: options.random, skipped: (n, err) => skipped.report(n, err), claimOf, volumes, now: new Date(ctx.clock.now()) });
          if (plan.op === 'bind') return void assumeAndBind(ctx, assumed, pod, plan.nodeName);
          if (plan.op === 'awaitClaims') return selectNodeForClaims(ctx, pod, plan.nodeName, plan.annotate, options.retryUnschedulableMs);
          if (plan.pod) await ctx.client.updateStatus('pods', pod.metadata.namespace, pod.metadata.name ?? '', plan.pod).catch(staleIsFine);
          await ctx.events(DEFAULT_SCHEDULER_NAME).record(pod, 'Warning', 'FailedScheduling', plan.message);
          return { requeueAfterMs: options.retryUnschedulableMs ?? 30_000 };
        },
      };
    },
  });
}

export const schedulerController = schedulerControllerWith();

/** The pending pods that mount a claim (a claim appearing, bound or going changes their PreFilter). */
function podsUsingClaim(pods: Informer<Pod>, claim: KubeObject): string[] {
  const { namespace, name } = claim.metadata;
  return pods.list((p) => needsScheduling(p) && p.metadata.namespace === namespace && claimNamesOf(p).includes(name ?? '')).map(cacheKey);
}

/**
 * The binding cycle runs apart from the scheduling cycle, as in kube-scheduler: the pod is
 * assumed on its node at once (the next decision counts it), and the write happens
 * asynchronously. A failed write forgets the assumption and schedules the pod again.
 */
function assumeAndBind(ctx: ControllerSetup, assumed: AssumedPods, pod: Pod, nodeName: string): void {
  const key = cacheKey(pod);
  assumed.assume(pod, nodeName);
  bind(ctx, pod, nodeName).catch((err: unknown) => {
    assumed.forget(key);
    ctx.log(`default-scheduler: binding ${logText(key)} to ${logText(nodeName)}: ${logText(err)}`);
    ctx.queue.addRateLimited(key);
  });
}

async function bind(ctx: ControllerSetup, pod: Pod, nodeName: string): Promise<void> {
  const { namespace = 'default', name = '', uid } = pod.metadata;
  const binding: Binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } };
  // Bound meanwhile, or deleted: the informer will tell (and release the assumption); nothing to retry.
  if (!(await ctx.client.bind(namespace, binding).then(() => true, staleIsFine))) return;
  void ctx.events(DEFAULT_SCHEDULER_NAME).record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
}

/**
 * Marks the pod's delayed claims with the node chosen for it (the binder then binds each to a
 * volume there, or the provisioner makes one); the claims' changes bring the pod back, bound
 * once every claim is. The retry covers a claim that never binds.
 */
async function selectNodeForClaims(ctx: ControllerSetup, pod: Pod, nodeName: string, claimNames: readonly string[], retryMs = 30_000): Promise<{ requeueAfterMs: number }> {
  const namespace = pod.metadata.namespace ?? 'default';
  for (const name of claimNames) {
    await ctx.client.patch('persistentvolumeclaims', namespace, name, 'merge-patch', { metadata: { annotations: { [ANN_SELECTED_NODE]: nodeName } } }).catch(staleIsFine);
  }
  return { requeueAfterMs: retryMs };
}

/** Conflict or NotFound: a newer pod, or none, will be reconciled; false. */
function staleIsFine(err: unknown): false {
  if (isApiError(err, 'Conflict', 'NotFound')) return false;
  throw err;
}
