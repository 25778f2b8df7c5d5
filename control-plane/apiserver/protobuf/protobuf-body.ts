/**
 * A protobuf request body (application/vnd.kubernetes.protobuf, what kubectl create and auth
 * send) → the JSON object the JSON path reads, so every handler works unchanged. The envelope's
 * type meta names the message (defaulting to the endpoint's kind, as Kubernetes' decoder does);
 * a kind that is not the endpoint's is decoded, then refused by decodeObject as a JSON body is.
 * Errors are 400s worded as the apiserver's transformDecodeError words them.
 */
import { badRequest, type ApiError } from '../../../api/errors';
import type { ResourceDefinition } from '../../registry/resource-definition';
import { apiVersionOf } from '../../registry/resource-info';
import { K8S_KINDS } from '../schema/k8s-definitions';
import { decodeMessage } from './decode-message';
import { ProtobufError } from './proto-reader';
import { readEnvelope } from './unknown-envelope';

/** Kubernetes serves protobuf for its built-in kinds only (not for custom resources). */
export function servesProtobuf(info: ResourceDefinition): boolean {
  return info.schema?.builtIn === true;
}

export function decodeProtobufBody(body: Buffer, info: ResourceDefinition): Record<string, unknown> {
  const envelope = guard(() => readEnvelope(body), (message) => unrecognized(info, message));
  const apiVersion = envelope.apiVersion || apiVersionOf(info);
  const kind = envelope.kind || info.kind;
  const cannotHandle = (message: string): ApiError => badRequest(`${kind} in version "${versionOf(apiVersion)}" cannot be handled as a ${info.kind}: ${message}`);
  const message = K8S_KINDS[`${apiVersion}/${kind}`];
  if (!message) throw cannotHandle(`no kind "${kind}" is registered for version "${apiVersion}"`);
  // contentEncoding and contentType are ignored, as Kubernetes' protobuf serializer ignores them.
  return { kind, apiVersion, ...guard(() => decodeMessage(message, envelope.raw), cannotHandle) };
}

function unrecognized(info: ResourceDefinition, message: string): ApiError {
  return badRequest(`the object provided is unrecognized (must be of type ${info.kind}): ${message}`);
}

/** 'apps/v1' → 'v1'. */
function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

/** Runs `decode`, turning a malformed-protobuf error into the 400 `toError` words. */
function guard<T>(decode: () => T, toError: (message: string) => ApiError): T {
  try {
    return decode();
  } catch (err: unknown) {
    if (err instanceof ProtobufError) throw toError(err.message);
    throw err;
  }
}
