/**
 * The RBAC objects in memory: one informer per kind on the registry's store (list, then watch;
 * re-listed after a lost watch), so authorizing a request costs no etcd round trip, as the
 * apiserver's RBAC authorizer reads shared informers. A change is seen within moments of its
 * write (the informer's watch), as in Kubernetes.
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../api/rbac-v1';
import type { Disposable } from '../../../base/disposable';
import type { KubeObject } from '../../../api/meta';
import { Informer } from '../../store/informer';
import type { Registry } from '../../registry/registry';
import type { RbacPolicy } from './rbac-policy';

const BY_NAMESPACE = 'byNamespace';

function informerOf<T extends KubeObject>(registry: Registry, resource: string, log: (line: string) => void): Informer<T> {
  const { store, prefix } = registry.watchSource(resource);
  const informer = new Informer<T>(store, prefix, { log, maxBackoffMs: 2_000 });
  informer.addIndex(BY_NAMESPACE, (o) => [o.metadata.namespace ?? '']);
  return informer;
}

export class PolicyCache implements RbacPolicy, Disposable {
  private readonly roles: Informer<Role>;
  private readonly clusterRolesInformer: Informer<ClusterRole>;
  private readonly bindings: Informer<RoleBinding>;
  private readonly clusterBindings: Informer<ClusterRoleBinding>;

  constructor(registry: Registry, log: (line: string) => void) {
    this.roles = informerOf(registry, 'roles.rbac.authorization.k8s.io', log);
    this.clusterRolesInformer = informerOf(registry, 'clusterroles.rbac.authorization.k8s.io', log);
    this.bindings = informerOf(registry, 'rolebindings.rbac.authorization.k8s.io', log);
    this.clusterBindings = informerOf(registry, 'clusterrolebindings.rbac.authorization.k8s.io', log);
  }

  /** Starts the informers; resolves once each has listed. */
  async start(signal?: AbortSignal): Promise<void> {
    const all = [this.roles, this.clusterRolesInformer, this.bindings, this.clusterBindings];
    for (const informer of all) informer.start(signal);
    await Promise.all(all.map((informer) => informer.whenSynced(signal)));
  }

  role(namespace: string, name: string): Role | undefined {
    return this.roles.get(`${namespace}/${name}`);
  }

  clusterRole(name: string): ClusterRole | undefined {
    return this.clusterRolesInformer.get(name);
  }

  roleBindings(namespace: string): readonly RoleBinding[] {
    return this.bindings.byIndex(BY_NAMESPACE, namespace);
  }

  clusterRoleBindings(): readonly ClusterRoleBinding[] {
    return this.clusterBindings.list();
  }

  dispose(): void {
    for (const informer of [this.roles, this.clusterRolesInformer, this.bindings, this.clusterBindings]) informer.dispose();
  }
}
