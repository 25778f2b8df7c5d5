/** Checks and errors every Store implementation answers alike (etcd-store.ts, memory-store.ts). */
import { alreadyExists, ApiError } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { keySubject } from './etcd-codec';

/** Revisions are positive integers (0 for a watch from the start); anything else is a caller bug. */
export function checkRevision(revision: number, min = 1): void {
  if (!Number.isSafeInteger(revision) || revision < min) {
    throw new ApiError('InternalError', `Internal error occurred: invalid store revision ${revision}`);
  }
}

/** The AlreadyExists of a create whose key is taken, named as the key names the object. */
export function alreadyExistsAt(key: string, object: KubeObject): ApiError {
  const subject = keySubject(key, Boolean(object.metadata.namespace));
  return alreadyExists(subject.resource, subject.name, subject.group);
}
