/**
 * ConfigMap and Secret validation (ValidateConfigMap, ValidateSecret and their updates in
 * pkg/apis/core/validation, 1.32): keys as IsConfigMapKey, a key in both data and binaryData,
 * at most 1 MiB of values (decoded bytes), the keys each Secret type requires (docker configs
 * must be JSON objects), `type` never changes, and once `immutable` is true neither it nor the
 * contents may change. A Secret's contents never appear in a message ("<secret contents redacted>").
 */
import { semanticEqual } from '../semantic-equality';
import { MAX_SECRET_SIZE, SECRET_KEY, SECRET_TYPE, type ConfigMap, type Secret } from '../config-v1';
import { child, key } from './field-path';
import { forbidden, invalid, required, tooLong, type FieldCause } from './field-errors';
import { validateImmutableField } from './immutable-field';
import { isConfigMapKey, nameIsDNSSubdomain } from './names';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

const IMMUTABLE_SET = 'field is immutable when `immutable` is set';
const REDACTED = '<secret contents redacted>';

function keyErrors(entries: Record<string, string> | undefined, path: string): FieldCause[] {
  return Object.keys(entries ?? {}).flatMap((k) => isConfigMapKey(k).map((msg) => invalid(key(path, k), k, msg)));
}

const decodedSize = (entries: Record<string, string> | undefined): number =>
  Object.values(entries ?? {}).reduce((sum, v) => sum + Buffer.from(v, 'base64').length, 0);
const textSize = (entries: Record<string, string> | undefined): number =>
  Object.values(entries ?? {}).reduce((sum, v) => sum + Buffer.byteLength(v, 'utf8'), 0);

export function validateConfigMap(cm: ConfigMap): FieldCause[] {
  const causes = [...validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain), ...keyErrors(cm.data, 'data')];
  for (const k of Object.keys(cm.data ?? {})) if (cm.binaryData && k in cm.binaryData) causes.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
  causes.push(...keyErrors(cm.binaryData, 'binaryData'));
  // The whole object is at fault: Kubernetes reports the empty path.
  if (textSize(cm.data) + decodedSize(cm.binaryData) > MAX_SECRET_SIZE) causes.push(tooLong('', MAX_SECRET_SIZE));
  return causes;
}

export function validateConfigMapUpdate(next: ConfigMap, old: ConfigMap): FieldCause[] {
  const causes = validateObjectMetaUpdate(next.metadata, old.metadata);
  if (old.immutable === true) {
    if (next.immutable !== true) causes.push(forbidden('immutable', IMMUTABLE_SET));
    if (!semanticEqual(next.data ?? {}, old.data ?? {})) causes.push(forbidden('data', IMMUTABLE_SET));
    if (!semanticEqual(next.binaryData ?? {}, old.binaryData ?? {})) causes.push(forbidden('binaryData', IMMUTABLE_SET));
  }
  return [...causes, ...validateConfigMap(next)];
}

export function validateSecret(secret: Secret): FieldCause[] {
  const data = secret.data ?? {};
  const causes = [...validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain), ...keyErrors(data, 'data')];
  if (decodedSize(data) > MAX_SECRET_SIZE) causes.push(tooLong('data', MAX_SECRET_SIZE));
  return [...causes, ...typeRules(secret, data)];
}

function typeRules(secret: Secret, data: Record<string, string>): FieldCause[] {
  // Kubernetes builds the basic-auth and ssh-auth paths from the literal "data[%s]": kept, as kubectl shows it.
  const oddData = 'data[%s]';
  switch (secret.type) {
    case SECRET_TYPE.serviceAccountToken:
      return secret.metadata.annotations?.[SECRET_KEY.serviceAccountName] ? [] : [required(key(child('metadata', 'annotations'), SECRET_KEY.serviceAccountName))];
    case SECRET_TYPE.dockercfg:
      return dockerConfig(data, SECRET_KEY.dockercfg);
    case SECRET_TYPE.dockerConfigJson:
      return dockerConfig(data, SECRET_KEY.dockerConfigJson);
    case SECRET_TYPE.basicAuth:
      if (SECRET_KEY.basicAuthUsername in data || SECRET_KEY.basicAuthPassword in data) return [];
      return [required(key(oddData, SECRET_KEY.basicAuthUsername)), required(key(oddData, SECRET_KEY.basicAuthPassword))];
    case SECRET_TYPE.sshAuth:
      return decodedSize({ k: data[SECRET_KEY.sshAuthPrivateKey] ?? '' }) > 0 ? [] : [required(key(oddData, SECRET_KEY.sshAuthPrivateKey))];
    case SECRET_TYPE.tls:
      return [SECRET_KEY.tlsCert, SECRET_KEY.tlsPrivateKey].filter((k) => !(k in data)).map((k) => required(key('data', k)));
    default:
      return [];
  }
}

function dockerConfig(data: Record<string, string>, name: string): FieldCause[] {
  const value = data[name];
  if (value === undefined) return [required(key('data', name))];
  const problem = jsonObjectProblem(Buffer.from(value, 'base64').toString('utf8'));
  return problem ? [invalid(key('data', name), REDACTED, problem)] : [];
}

/**
 * Why the text does not unmarshal into a Go map, worded as encoding/json words the common cases
 * (nothing, a bad first character, a misspelt literal, a value that is not an object); other
 * syntax errors say only that the JSON is invalid. Undefined when it unmarshals.
 */
function jsonObjectProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err: unknown) {
    return syntaxProblem(text.trim(), err instanceof Error ? err.message : String(err));
  }
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return undefined;
  const goType = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
  return `json: cannot unmarshal ${goType} into Go value of type map[string]interface {}`;
}

const LITERALS: Record<string, string> = { n: 'null', t: 'true', f: 'false' };

function syntaxProblem(text: string, jsMessage: string): string {
  const first = text[0];
  if (first === undefined) return 'unexpected end of JSON input';
  if (!'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
  const literal = LITERALS[first];
  if (literal) {
    for (let i = 1; i < literal.length; i++) {
      if (text[i] === undefined) return 'unexpected end of JSON input';
      if (text[i] !== literal[i]) return `invalid character '${text[i] ?? ''}' in literal ${literal} (expecting '${literal[i] ?? ''}')`;
    }
  }
  return /end of JSON input/i.test(jsMessage) ? 'unexpected end of JSON input' : 'invalid JSON';
}

export function validateSecretUpdate(next: Secret, old: Secret): FieldCause[] {
  const causes = [...validateObjectMetaUpdate(next.metadata, old.metadata), ...validateImmutableField(next.type, old.type, 'type')];
  if (old.immutable === true) {
    if (next.immutable !== true) causes.push(forbidden('immutable', IMMUTABLE_SET));
    if (!semanticEqual(next.data ?? {}, old.data ?? {})) causes.push(forbidden('data', IMMUTABLE_SET));
  }
  return [...causes, ...validateSecret(next)];
}
