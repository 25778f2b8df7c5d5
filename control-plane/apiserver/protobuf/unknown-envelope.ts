/**
 * Kubernetes' protobuf envelope (application/vnd.kubernetes.protobuf): the four bytes `k8s\0`,
 * then a runtime.Unknown message {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2,
 * contentEncoding = 3, contentType = 4} whose raw bytes are the object's own message.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding
 */
import { ProtobufError, readFields, type WireField } from './proto-reader';

export const ENVELOPE_PREFIX = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface UnknownEnvelope {
  /** Empty when the client left it out: the endpoint's own then applies. */
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
  contentType: string;
}

/** The envelope of a request body; ProtobufError for anything else (messages as the apiserver's). */
export function readEnvelope(body: Buffer): UnknownEnvelope {
  if (body.length === 0) throw new ProtobufError('empty data');
  if (!body.subarray(0, ENVELOPE_PREFIX.length).equals(ENVELOPE_PREFIX)) {
    throw new ProtobufError(`provided data does not appear to be a protobuf message, expected prefix [${[...ENVELOPE_PREFIX].join(' ')}]`);
  }
  if (body.length === ENVELOPE_PREFIX.length) throw new ProtobufError('empty body');
  const envelope: UnknownEnvelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '', contentType: '' };
  for (const field of readFields(body.subarray(ENVELOPE_PREFIX.length))) readEnvelopeField(envelope, field);
  return envelope;
}

function readEnvelopeField(envelope: UnknownEnvelope, field: WireField): void {
  if (field.number < 1 || field.number > 4) return;
  const bytes = lengthDelimited(field);
  if (field.number === 1) Object.assign(envelope, readTypeMeta(bytes));
  else if (field.number === 2) envelope.raw = bytes;
  else if (field.number === 3) envelope.contentEncoding = bytes.toString('utf8');
  else envelope.contentType = bytes.toString('utf8');
}

function readTypeMeta(bytes: Buffer): { apiVersion: string; kind: string } {
  const typeMeta = { apiVersion: '', kind: '' };
  for (const field of readFields(bytes)) {
    if (field.number === 1) typeMeta.apiVersion = lengthDelimited(field).toString('utf8');
    if (field.number === 2) typeMeta.kind = lengthDelimited(field).toString('utf8');
  }
  return typeMeta;
}

function lengthDelimited(field: WireField): Buffer {
  if (field.value.wireType !== 2) throw new ProtobufError(`proto: wrong wireType = ${field.value.wireType} for field ${field.number}`);
  return field.value.bytes;
}
