/** The ApiError a promise rejects with; fails the test when it resolves or rejects with something else. */
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors';

export async function apiRejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a rejection with an ApiError');
}

/** The message of the Forbidden (403) ApiError a promise rejects with, as admission refusals are. */
export async function forbiddenMessage(promise: Promise<unknown>): Promise<string> {
  const err = await apiRejection(promise);
  assert.equal(err.code, 'Forbidden', err.message);
  return err.message;
}
