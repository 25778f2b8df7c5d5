import assert from 'node:assert/strict';
import { ApiError, isApiError, notFound } from '../../../api/errors';

describe('isApiError', () => {
  it('is true for an ApiError with one of the codes, false for other codes and other errors', () => {
    assert.equal(isApiError(notFound('pods', 'web'), 'NotFound'), true);
    assert.equal(isApiError(new ApiError('Conflict', 'changed'), 'NotFound', 'Conflict'), true);
    assert.equal(isApiError(new ApiError('Conflict', 'changed'), 'NotFound'), false);
    assert.equal(isApiError(new Error('NotFound'), 'NotFound'), false);
    assert.equal(isApiError(undefined, 'NotFound'), false);
  });
});
