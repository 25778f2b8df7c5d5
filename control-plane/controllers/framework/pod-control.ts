/**
 * How a controller that owns pods creates and deletes them (Kubernetes' controller.PodControl):
 * each write is recorded as an expectation of the owner's key before anything else can run a
 * pass, and as the owner's event (SuccessfulCreate "Created pod: x", FailedCreate "Error
 * creating: …", SuccessfulDelete "Deleted pod: x", FailedDelete "Error deleting: …").
 * A creation refused because the namespace is being terminated is no failure: every later one
 * would be refused too, and the namespace is going anyway.
 */
import type { Pod } from '../../../api/core-v1';
import { isApiError } from '../../../api/errors';
import type { KubeObject } from '../../../api/meta';
import { unlessNotFound, type ApiClient, type EventSink } from './api-client';
import { toBeDeleting, toSee, type Expectations } from './expectations';

export interface PodControl {
  client: ApiClient;
  events: EventSink;
  /** The pod expectations of the owner's key. */
  expectations: Expectations<Pod>;
  key: string;
  owner: KubeObject;
}

/** Creates `body` in the owner's namespace (nothing when the namespace is terminating). */
export async function createControlledPod({ client, events, expectations, key, owner }: PodControl, body: Pod): Promise<void> {
  try {
    const pod = await client.create<Pod>('pods', owner.metadata.namespace, body);
    expectations.expect(key, toSee(pod));
    await events.record(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
  } catch (err: unknown) {
    if (isApiError(err, 'Forbidden') && err.causes.some((c) => c.reason === 'NamespaceTerminating')) return;
    await events.record(owner, 'Warning', 'FailedCreate', `Error creating: ${errorText(err)}`);
    throw err;
  }
}

/** Deletes `pod` if it is still the same pod (uid precondition); one already gone is no failure. */
export async function deleteControlledPod({ client, events, expectations, key, owner }: PodControl, pod: Pod): Promise<void> {
  const name = pod.metadata.name ?? '';
  try {
    await client.delete('pods', pod.metadata.namespace, name, { preconditions: { uid: pod.metadata.uid } }).catch(unlessNotFound);
    expectations.expect(key, toBeDeleting(pod));
    await events.record(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  } catch (err: unknown) {
    await events.record(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorText(err)}`);
    throw err;
  }
}

/** An error as an event or condition message. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
