/**
 * The ConfigMaps and Secrets a pod references, as Kubernetes' VisitPodConfigmapNames and
 * VisitPodSecretNames (pkg/api/v1/pod/util.go) find them: env `valueFrom` and `envFrom` of
 * every container (init, regular and ephemeral), `configMap`/`secret` volumes, the sources of
 * `projected` volumes, `imagePullSecrets`, and the secret references of the other volume
 * plugins (azureFile, cephfs, cinder, flexVolume, iscsi, rbd, scaleIO, storageos, csi). The
 * node view sends a node exactly these; the agent wakes the pods that use an object when it
 * arrives or changes.
 */
import type { Container, Pod, Volume } from './core-v1';

type Fields = Record<string, unknown>;

const fieldsOf = (v: unknown): Fields | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined);
const nameAt = (v: unknown, field: string): string | undefined => {
  const value = fieldsOf(v)?.[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const listAt = (v: unknown, field: string): unknown[] => {
  const value = fieldsOf(v)?.[field];
  return Array.isArray(value) ? value : [];
};

/** Every container of the pod: init, regular, ephemeral. */
function allContainers(pod: Pod): Container[] {
  const ephemeral = Array.isArray(pod.spec.ephemeralContainers) ? (pod.spec.ephemeralContainers as Container[]) : [];
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...ephemeral];
}

function containerConfigMaps(c: Container): (string | undefined)[] {
  return [...(c.envFrom ?? []).map((f) => nameAt(f.configMapRef, 'name')), ...(c.env ?? []).map((e) => nameAt(e.valueFrom?.configMapKeyRef, 'name'))];
}

function containerSecrets(c: Container): (string | undefined)[] {
  return [...(c.envFrom ?? []).map((f) => nameAt(f.secretRef, 'name')), ...(c.env ?? []).map((e) => nameAt(e.valueFrom?.secretKeyRef, 'name'))];
}

function volumeConfigMaps(v: Volume): (string | undefined)[] {
  const projected = listAt(v.projected, 'sources').map((s) => nameAt(fieldsOf(s)?.configMap, 'name'));
  return [nameAt(v.configMap, 'name'), ...projected];
}

/** The volume plugins that name a secret, and where (VisitPodSecretNames). */
const SECRET_REFS: readonly [string, (source: unknown) => string | undefined][] = [
  ['secret', (s) => nameAt(s, 'secretName')],
  ['azureFile', (s) => nameAt(s, 'secretName')],
  ['cephfs', (s) => nameAt(fieldsOf(s)?.secretRef, 'name')],
  ['cinder', (s) => nameAt(fieldsOf(s)?.secretRef, 'name')],
  ['flexVolume', (s) => nameAt(fieldsOf(s)?.secretRef, 'name')],
  ['iscsi', (s) => nameAt(fieldsOf(s)?.secretRef, 'name')],
  ['rbd', (s) => nameAt(fieldsOf(s)?.secretRef, 'name')],
  ['scaleIO', (s) => nameAt(fieldsOf(s)?.secretRef, 'name')],
  ['storageos', (s) => nameAt(fieldsOf(s)?.secretRef, 'name')],
  ['csi', (s) => nameAt(fieldsOf(s)?.nodePublishSecretRef, 'name')],
];

function volumeSecrets(v: Volume): (string | undefined)[] {
  const projected = listAt(v.projected, 'sources').map((s) => nameAt(fieldsOf(s)?.secret, 'name'));
  return [...SECRET_REFS.map(([field, nameOf]) => (v[field] === undefined ? undefined : nameOf(v[field]))), ...projected];
}

function distinct(names: (string | undefined)[]): string[] {
  return [...new Set(names.filter((n): n is string => n !== undefined))].sort();
}

/** Names of the ConfigMaps (in the pod's namespace) the pod references, sorted, each once. */
export function podConfigMapNames(pod: Pod): string[] {
  return distinct([...allContainers(pod).flatMap(containerConfigMaps), ...(pod.spec.volumes ?? []).flatMap(volumeConfigMaps)]);
}

/** Names of the Secrets (in the pod's namespace) the pod references, sorted, each once. */
export function podSecretNames(pod: Pod): string[] {
  const pullSecrets = listAt(pod.spec, 'imagePullSecrets').map((r) => nameAt(r, 'name'));
  return distinct([...pullSecrets, ...allContainers(pod).flatMap(containerSecrets), ...(pod.spec.volumes ?? []).flatMap(volumeSecrets)]);
}
