/**
 * The edge where errors become wire format: every ApiError is a meta.k8s.io/v1 Status with
 * the same HTTP code. Status reasons are Kubernetes' StatusReason values.
 */
import { ApiError, type ApiErrorCode } from '../../api/errors';
import type { Status, StatusDetails } from '../../api/meta';

/** Where the StatusReason differs from our error code's name. */
const REASONS: Partial<Record<ApiErrorCode, string>> = {
  TooLarge: 'RequestEntityTooLarge',
};

export function reasonOf(code: ApiErrorCode): string {
  return REASONS[code] ?? code;
}

function detailsOf(err: ApiError): StatusDetails | undefined {
  const details: StatusDetails = {};
  if (err.subject.name !== undefined) details.name = err.subject.name;
  if (err.subject.group !== undefined) details.group = err.subject.group;
  if (err.subject.kind !== undefined) details.kind = err.subject.kind;
  if (err.causes.length > 0) details.causes = err.causes;
  if (err.subject.retryAfterSeconds !== undefined) details.retryAfterSeconds = err.subject.retryAfterSeconds;
  return details;
}

export function statusOf(err: ApiError): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: reasonOf(err.code),
    details: detailsOf(err),
    code: err.httpStatus,
  };
}

/** A Success Status (a finished DELETE of a kind that does not return the object, a binding). */
export function successStatus(code: number, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
  if (details) status.details = details;
  return status;
}

/** A path that names nothing served: the apiserver's 404 for unknown URLs and resources. */
export function pathNotFound(): ApiError {
  return new ApiError('NotFound', 'the server could not find the requested resource');
}
