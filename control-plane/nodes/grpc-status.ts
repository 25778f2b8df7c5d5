/** Stable ApiError codes → gRPC status codes, at the node service's edge only (STYLE 12). */
import * as grpc from '@grpc/grpc-js';
import { toApiError, type ApiErrorCode } from '../../api/errors';

const GRPC_CODE: Record<ApiErrorCode, grpc.status> = {
  BadRequest: grpc.status.INVALID_ARGUMENT,
  Invalid: grpc.status.INVALID_ARGUMENT,
  TooLarge: grpc.status.RESOURCE_EXHAUSTED,
  TooManyRequests: grpc.status.RESOURCE_EXHAUSTED,
  Unauthorized: grpc.status.UNAUTHENTICATED,
  Forbidden: grpc.status.PERMISSION_DENIED,
  NotFound: grpc.status.NOT_FOUND,
  MethodNotAllowed: grpc.status.UNIMPLEMENTED,
  NotAcceptable: grpc.status.INVALID_ARGUMENT,
  UnsupportedMediaType: grpc.status.INVALID_ARGUMENT,
  AlreadyExists: grpc.status.ALREADY_EXISTS,
  Conflict: grpc.status.ABORTED,
  Gone: grpc.status.FAILED_PRECONDITION,
  Timeout: grpc.status.DEADLINE_EXCEEDED,
  InternalError: grpc.status.INTERNAL,
  ServiceUnavailable: grpc.status.UNAVAILABLE,
};

export interface GrpcError {
  code: grpc.status;
  details: string;
}

export function toGrpcError(err: unknown): GrpcError {
  const apiError = toApiError(err);
  return { code: GRPC_CODE[apiError.code], details: apiError.message };
}
