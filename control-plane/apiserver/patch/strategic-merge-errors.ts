/**
 * The errors a strategic merge patch can fail with, worded as k8s.io/apimachinery's
 * mergepatch and strategicpatch packages word them (Go %v formatting included), mapped to
 * the codes the apiserver answers with: lists of lists and retainKeys mismatches are 422
 * with the apiserver's fixed message; every other malformed patch is 400.
 */
import { ApiError, badRequest } from '../../../api/errors';
import { isJsonObject } from './json-value';

export const smpErrors = {
  badJsonDoc: (): ApiError => badRequest('invalid JSON document'),
  badPrimitiveListFormat: (): ApiError => badRequest('invalid patch format of primitive list'),
  badRetainKeysFormat: (): ApiError => badRequest('invalid patch format of retainKeys'),
  badSetElementOrderFormat: (): ApiError => badRequest('invalid patch format of setElementOrder list'),
  noListOfLists: (): ApiError => unprocessable('lists of lists are not supported'),
  noMergeKey: (item: unknown, key: string): ApiError => badRequest(`map: ${goFormat(item)} does not contain declared merge key: ${key}`),
  badPatchType: (directive: unknown, patch: unknown): ApiError => badRequest(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`),
  badArgType: (expected: string, actual: unknown): ApiError => badRequest(`expected a ${expected}, but received a ${goTypeName(actual)}`),
  notMap: (index: number): ApiError => badRequest(`value for key ${index} is not a map`),
  mergeDirectiveInList: (): ApiError => badRequest('merging lists cannot yet be specified in the patch'),
  noMergeKeyForList: (name: string): ApiError => badRequest(`cannot merge lists without merge key for ${name}`),
  noElements: (): ApiError => badRequest('no elements in any of the given slices'),
  mixedElementTypes: (lists: unknown[][]): ApiError => badRequest(`list element types are not identical: ${goFormat(lists)}`),
  orderMismatch: (patchList: unknown, orderList: unknown): ApiError =>
    badRequest(`The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(orderList)}\n`),
};

/** 422 as the apiserver words it for patches that decode but cannot apply. */
function unprocessable(detail: string): ApiError {
  const err = new ApiError('Invalid', 'the server rejected our request due to an error in our request');
  return Object.assign(err, { detail });
}

/** Go's reflect.TypeOf(v).String() for a decoded JSON value. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  if (isJsonObject(value)) return 'map[string]interface {}';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** Go's %v of a decoded JSON value: map[a:1 b:[x y]] with sorted keys. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isJsonObject(value)) {
    const entries = Object.keys(value).sort().map((key) => `${key}:${goFormat(value[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}
