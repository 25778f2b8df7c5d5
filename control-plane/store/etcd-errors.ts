/**
 * Normalises what the etcd3 client throws into ApiErrors, once, at the store's edge:
 * an unreachable or leaderless etcd is ServiceUnavailable (retry later), an oversized request
 * is TooLarge, anything else is an InternalError.
 */
import { ClientClosedError, GRPCDeadlineExceededError, GRPCResourceExhastedError, GRPCUnavailableError } from 'etcd3';
import { ApiError, toApiError } from '../../api/errors';

/** etcd's own spellings of "try again later" (etcdserver/api/v3rpc/rpctypes). */
const TRANSIENT_ETCD_MESSAGES = [
  'etcdserver: request timed out',
  'etcdserver: leader changed',
  'etcdserver: no leader',
  'etcdserver: too many requests',
  'etcdserver: server stopped',
];

export function storeError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isTooLarge(err, message)) return tooLarge(message);
  if (isUnavailable(err, message)) return unavailable(message);
  return toApiError(err);
}

export function unavailable(detail: string): ApiError {
  return new ApiError('ServiceUnavailable', `etcd is unavailable: ${detail}`);
}

/** Kubernetes' wording for a 413 (apimachinery NewRequestEntityTooLargeError). */
export function tooLarge(detail: string): ApiError {
  return new ApiError('TooLarge', `Request entity too large: ${detail}`);
}

function isTooLarge(err: unknown, message: string): boolean {
  return err instanceof GRPCResourceExhastedError || message.includes('etcdserver: request is too large');
}

function isUnavailable(err: unknown, message: string): boolean {
  if (err instanceof GRPCUnavailableError || err instanceof GRPCDeadlineExceededError) return true;
  if (err instanceof ClientClosedError) return true;
  if (isBrokenCircuit(err)) return true;
  return TRANSIENT_ETCD_MESSAGES.some((m) => message.includes(m));
}

/** The etcd3 client stops calling a host for a few seconds after repeated failures (cockatiel). */
function isBrokenCircuit(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { isBrokenCircuitError?: unknown }).isBrokenCircuitError === true;
}
