/**
 * ControllerRevision history (pkg/controller/history, 1.32), shared by the DaemonSet and
 * StatefulSet controllers: a revision is an immutable snapshot of the parent's pod template,
 * stored as the strategic-merge patch `kubectl rollout undo` applies back
 * (`{"spec":{"template":{"$patch":"replace",…}}}`), named `<parent>-<hash>` and labelled with
 * `controller-revision-hash`. A name taken by different data bumps the parent's collisionCount
 * and hashes again, as Kubernetes does.
 */
import { CONTROLLER_REVISION_HASH_LABEL_KEY, type ControllerRevision } from '../../../api/apps-v1';
import type { PodTemplateSpec } from '../../../api/core-v1';
import { isApiError } from '../../../api/errors';
import type { KubeObject } from '../../../api/meta';
import { canonicalJson, fnv32a, safeEncodeString } from '../../../api/pod-template-hash';
import type { ApiClient } from './api-client';
import { controllerReference } from './owner-references';

const FNV_OFFSET = 0x811c9dc5;
/** Longest parent-name prefix of a revision name (ControllerRevisionName). */
const MAX_PREFIX = 223;

/** A DaemonSet or StatefulSet, as far as its history goes. */
export interface TemplatedParent extends KubeObject {
  spec: { template: PodTemplateSpec };
}

/** getPatch: the template alone, marked to replace the parent's whole template when applied. */
export function revisionData(parent: TemplatedParent): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(parent.spec.template), $patch: 'replace' } } };
}

/** The template a revision holds (what a rollback restores). */
export function templateOfRevision(revision: ControllerRevision): PodTemplateSpec | undefined {
  const template = (revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!template) return undefined;
  const { $patch: _directive, ...rest } = template;
  return rest as unknown as PodTemplateSpec;
}

/** HashControllerRevision: FNV-32a over the data (canonical JSON), then the collision count in decimal, safely encoded. */
export function hashControllerRevision(revision: ControllerRevision, collisionCount: number): string {
  let hash = fnv32a(FNV_OFFSET, Buffer.from(canonicalJson(revision.data), 'utf8'));
  hash = fnv32a(hash, Buffer.from(String(collisionCount), 'utf8'));
  return safeEncodeString(String(hash));
}

export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, MAX_PREFIX)}-${hash}`;
}

/** NewControllerRevision: labelled as the template, owned by the parent, named by its hash. */
export function newControllerRevision(parent: TemplatedParent, revision: number, collisionCount = 0): ControllerRevision {
  const cr: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      namespace: parent.metadata.namespace,
      labels: { ...(parent.spec.template.metadata?.labels ?? {}) },
      ownerReferences: [controllerReference(parent)],
    },
    data: revisionData(parent),
    revision,
  };
  return named(cr, parent, collisionCount);
}

function named(cr: ControllerRevision, parent: KubeObject, collisionCount: number): ControllerRevision {
  const hash = hashControllerRevision(cr, collisionCount);
  const out = structuredClone(cr);
  out.metadata.name = controllerRevisionName(parent.metadata.name ?? '', hash);
  out.metadata.labels = { ...(out.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL_KEY]: hash };
  return out;
}

/** EqualRevision: same hash label and same data. */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  const hashA = a.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY];
  const hashB = b.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL_KEY];
  return hashA !== undefined && hashA === hashB && canonicalJson(a.data) === canonicalJson(b.data);
}

export function findEqualRevisions(revisions: readonly ControllerRevision[], needle: ControllerRevision): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** Oldest first: by revision, then creation time, then name. */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => (a.revision - b.revision)
    || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')
    || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/** One more than the highest revision, 1 for none. */
export function nextRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}

/**
 * CreateControllerRevision: creates the revision under its hashed name; a name already taken by
 * equal data answers the existing revision, by different data bumps the collision count and
 * tries the next name. Returns the revision and the collision count to store in the parent's status.
 */
export async function createControllerRevision(
  client: ApiClient, parent: KubeObject, revision: ControllerRevision, collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  const namespace = parent.metadata.namespace;
  for (let count = collisionCount; ; count++) {
    const candidate = named(revision, parent, count);
    try {
      return { revision: await client.create<ControllerRevision>('controllerrevisions.apps', namespace, candidate), collisionCount: count };
    } catch (err: unknown) {
      if (!isApiError(err, 'AlreadyExists')) throw err;
      const existing = await client.get<ControllerRevision>('controllerrevisions.apps', namespace, candidate.metadata.name ?? '');
      if (equalRevision(existing, candidate)) return { revision: existing, collisionCount: count };
    }
  }
}
