/** The ApiError a promise rejects with; fails the test when it resolves or rejects with something else. */
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
