import type { StatusCause } from './meta';

/**
 * Stable error codes shared by the API server, the store and the node service.
 * They map to the wire only at the edge: Kubernetes Status JSON, or gRPC status codes.
 */
export type ApiErrorCode =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'TooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'Timeout'
  | 'InternalError'
  | 'ServiceUnavailable';

export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Invalid: 422,
  TooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  Timeout: 504,
  InternalError: 500,
  ServiceUnavailable: 503,
};

/** What the error is about, for Status.details. */
export interface ErrorSubject {
  kind?: string;
  group?: string;
  name?: string;
  /** Status.details.retryAfterSeconds, and the `Retry-After` header at the HTTP edge. */
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly subject: ErrorSubject = {},
    readonly causes: StatusCause[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

/** Kubernetes spelling of a resource in messages: `pods "x"` or `pods.apps "x"`. */
export function qualifiedResource(resource: string, group = ''): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(resource: string, name: string, group = ''): ApiError {
  return new ApiError('NotFound', `${qualifiedResource(resource, group)} "${name}" not found`, { kind: resource, group, name });
}

export function alreadyExists(resource: string, name: string, group = ''): ApiError {
  return new ApiError('AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`, { kind: resource, group, name });
}

export function conflict(resource: string, name: string, group = ''): ApiError {
  return new ApiError(
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { kind: resource, group, name },
  );
}

/** 403 from an admission plugin (admission.NewForbidden): `pods "x" is forbidden: <reason>`. */
export function admissionForbidden(resource: string, name: string, reason: string, group = ''): ApiError {
  return new ApiError('Forbidden', `${qualifiedResource(resource, group)} "${name}" is forbidden: ${reason}`, { kind: resource, group, name });
}

/** 422 Invalid, with one cause per bad field, as Kubernetes' validation reports it. */
export function invalid(kind: string, name: string, causes: StatusCause[], group = ''): ApiError {
  // As utilerrors.NewAggregate prints it: duplicates dropped, brackets around two or more.
  const parts = [...new Set(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : `${c.message}`)))];
  const detail = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  // As schema.GroupKind prints it: `ReplicaSet.apps`, `Pod`.
  const qualified = group ? `${kind}.${group}` : kind;
  return new ApiError('Invalid', `${qualified} "${name}" is invalid: ${detail}`, { kind, group, name }, causes);
}

/** Whether `err` is an ApiError with one of `codes`: how callers tell an expected failure from the rest. */
export function isApiError(err: unknown, ...codes: ApiErrorCode[]): err is ApiError {
  return err instanceof ApiError && codes.includes(err.code);
}

export function badRequest(message: string): ApiError {
  return new ApiError('BadRequest', message);
}

/** Normalises anything caught into an ApiError; unknown failures become InternalError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError('InternalError', `Internal error occurred: ${message}`);
}
