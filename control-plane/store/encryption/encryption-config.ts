/**
 * kube-apiserver's `--encryption-provider-config` file (EncryptionConfiguration,
 * apiserver.config.k8s.io/v1), parsed and validated as Kubernetes validates it: `resources` is
 * a list of entries, each naming resources (`secrets`, `deployments.apps`, `*.apps`, `*.` for
 * the core group, `*.*`) and an ordered list of providers, the first of which writes. pikube has
 * `aescbc`, `aesgcm` (named base64 keys of 16, 24 or 32 bytes) and `identity`; `secretbox` (Node's
 * crypto has no XSalsa20) and `kms` (no KMS plugin API) are refused by name, never ignored.
 * Errors read like Kubernetes' field errors; a key's secret is never echoed ("REDACTED").
 * https://kubernetes.io/docs/reference/config-api/apiserver-encryption.v1/
 */
import { parse } from 'yaml';
import { MAX_ALIASES } from '../../../base/config/config-file';

export interface EncryptionKey {
  name: string;
  secret: Buffer;
}

export type EncryptionProvider = { type: 'identity' } | { type: 'aescbc' | 'aesgcm'; keys: EncryptionKey[] };

export interface ResourceEncryption {
  /** As written: `secrets`, `deployments.apps`, `*.apps`, `*.`, `*.*`. */
  resources: string[];
  providers: EncryptionProvider[];
}

export interface EncryptionConfig {
  resources: ResourceEncryption[];
}

export const ENCRYPTION_CONFIG_API_VERSION = 'apiserver.config.k8s.io/v1';
const AES_KEY_SIZES = [16, 24, 32];
const PROVIDER_NAMES = ['aescbc', 'aesgcm', 'secretbox', 'identity', 'kms'];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Collects field errors; `check()` throws them all at once. */
class FieldErrors {
  readonly list: string[] = [];
  invalid(path: string, value: string, detail: string): void {
    this.list.push(`${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`);
  }
  required(path: string, detail: string): void {
    this.list.push(`${path}: Required value: ${detail}`);
  }
  check(): void {
    if (this.list.length === 1) throw new Error(this.list[0]);
    if (this.list.length > 1) throw new Error(`[${this.list.join(', ')}]`);
  }
}

type Doc = Record<string, unknown>;

function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the file's text; throws an Error listing every problem. */
export function parseEncryptionConfig(text: string): EncryptionConfig {
  const doc = parseYaml(text);
  if (!isDoc(doc)) throw new Error('expected an EncryptionConfiguration mapping');
  if (doc.kind !== 'EncryptionConfiguration' || doc.apiVersion !== ENCRYPTION_CONFIG_API_VERSION) {
    throw new Error(`got unexpected config type: ${String(doc.apiVersion)}, Kind=${String(doc.kind)} (want ${ENCRYPTION_CONFIG_API_VERSION}, Kind=EncryptionConfiguration)`);
  }
  refuseUnknown(doc, ['kind', 'apiVersion', 'resources'], '');
  const errors = new FieldErrors();
  const entries = Array.isArray(doc.resources) ? doc.resources : [];
  if (entries.length === 0) errors.required('resources', 'at least one resources is required');
  const config = { resources: entries.map((entry: unknown, i) => resourceEntry(entry, `resources[${i}]`, errors)) };
  errors.check();
  return config;
}

/** YAML errors name a line and column, never the line itself (it may hold a key). */
function parseYaml(text: string): unknown {
  try {
    return parse(text, { maxAliasCount: MAX_ALIASES, prettyErrors: false });
  } catch (err: unknown) {
    const e = err as { message?: string; linePos?: { line: number; col: number }[] };
    const at = e.linePos?.[0];
    throw new Error(`not valid YAML${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${(e.message ?? '').split('\n')[0].split(' at line ')[0]}`);
  }
}

function refuseUnknown(doc: Doc, known: readonly string[], path: string): void {
  const unknown = Object.keys(doc).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`unknown field ${JSON.stringify(`${path}${unknown[0]}`)}`);
}

function resourceEntry(entry: unknown, path: string, errors: FieldErrors): ResourceEncryption {
  if (!isDoc(entry)) throw new Error(`${path}: expected a mapping with resources and providers`);
  refuseUnknown(entry, ['resources', 'providers'], `${path}.`);
  const resources = stringList(entry.resources, `${path}.resources`);
  if (resources.length === 0) errors.required(`${path}.resources`, `at least one ${path}.resources is required`);
  resources.forEach((r, j) => checkResourceName(r, `${path}.resources[${j}]`, errors));
  checkOverlap(resources, `${path}.resources`, errors);
  const providers = Array.isArray(entry.providers) ? entry.providers : [];
  if (providers.length === 0) errors.required(`${path}.providers`, `at least one ${path}.providers is required`);
  return { resources, providers: providers.map((p: unknown, j) => provider(p, `${path}.providers[${j}]`, errors)) };
}

function stringList(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`${path}: expected a list of strings`);
  return value as string[];
}

/** Kubernetes' resource-name rules of the encryption configuration. */
function checkResourceName(name: string, path: string, errors: FieldErrors): void {
  const { group, resource } = parseGroupResource(name);
  if (name.toLowerCase() !== name) return errors.invalid(path, name, 'resource name should not contain capital letters');
  if (name === '*') return errors.invalid(path, name, "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources");
  if (['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'].includes(name)) return errors.invalid(path, name, 'resources which do not have REST API/s cannot be encrypted');
  if (group === 'events.k8s.io') return errors.invalid(path, name, "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file");
  if (group === 'extensions') return errors.invalid(path, name, "'extensions' group has been removed and cannot be used for encryption");
  if (group === '*' && resource !== '*') return errors.invalid(path, name, 'encrypting the same resource across groups is not supported');
}

function checkOverlap(names: string[], path: string, errors: FieldErrors): void {
  const parsed = names.map(parseGroupResource);
  const same = (a: GroupResource, b: GroupResource): boolean => a.group === b.group && a.resource === b.resource;
  if (parsed.some((a, i) => parsed.some((b, j) => i !== j && same(a, b)))) errors.invalid(path, names.join(','), 'the same resource cannot be specified multiple times');
  const overlaps = parsed.some((a, i) => parsed.some((b, j) => i !== j && !same(a, b) && ((a.group === '*' && a.resource === '*') || (a.group === b.group && (a.resource === '*' || b.resource === '*')))));
  if (overlaps) errors.invalid(path, names.join(','), "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked");
}

function provider(value: unknown, path: string, errors: FieldErrors): EncryptionProvider {
  if (!isDoc(value)) throw new Error(`${path}: expected a mapping naming one provider`);
  const named = Object.keys(value);
  const unknown = named.find((n) => !PROVIDER_NAMES.includes(n));
  if (unknown !== undefined) throw new Error(`${path}: unknown provider "${unknown}"; expected one of aescbc, aesgcm, identity (secretbox and kms are not supported)`);
  if (named.length !== 1) {
    errors.invalid(path, named.join(','), named.length === 0 ? 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity' : 'more than one provider specified in a single element, should split into different list elements');
    return { type: 'identity' };
  }
  const type = named[0];
  if (type === 'secretbox') throw new Error(`${path}.secretbox: not supported: Node.js's crypto has no XSalsa20-Poly1305, which secretbox needs; use aesgcm or aescbc`);
  if (type === 'kms') throw new Error(`${path}.kms: not supported: pikube has no KMS plugin API; use aesgcm or aescbc`);
  if (type === 'identity') return { type: 'identity' };
  return { type: type as 'aescbc' | 'aesgcm', keys: keys(value[type], `${path}.${type}.keys`, errors) };
}

function keys(value: unknown, path: string, errors: FieldErrors): EncryptionKey[] {
  const list = isDoc(value) && Array.isArray(value.keys) ? (value.keys as unknown[]) : [];
  if (isDoc(value)) refuseUnknown(value, ['keys'], `${path.slice(0, -'keys'.length)}`);
  if (list.length === 0) errors.required(path, 'at least one keys is required');
  const result = list.map((k, i) => key(k, `${path}[${i}]`, errors));
  const names = result.map((k) => k.name);
  names.forEach((n, i) => {
    if (n !== '' && names.indexOf(n) !== i) errors.invalid(`${path}[${i}].name`, n, 'duplicate key name: each key of a provider needs its own name');
  });
  return result;
}

function key(value: unknown, path: string, errors: FieldErrors): EncryptionKey {
  const doc = isDoc(value) ? value : {};
  refuseUnknown(doc, ['name', 'secret'], `${path}.`);
  const name = typeof doc.name === 'string' ? doc.name : '';
  const secretText = typeof doc.secret === 'string' ? doc.secret : '';
  if (name === '') errors.required(`${path}.name`, 'name is a mandatory field for a key');
  if (secretText === '') {
    errors.required(`${path}.secret`, 'secret is a mandatory field for a key');
    return { name, secret: Buffer.alloc(0) };
  }
  if (!BASE64.test(secretText)) {
    errors.invalid(`${path}.secret`, 'REDACTED', 'secrets must be base64 encoded');
    return { name, secret: Buffer.alloc(0) };
  }
  const secret = Buffer.from(secretText, 'base64');
  if (!AES_KEY_SIZES.includes(secret.length)) errors.invalid(`${path}.secret`, 'REDACTED', `secret is not of the expected length, got ${secret.length}, expected one of [${AES_KEY_SIZES.join(' ')}]`);
  return { name, secret };
}

export interface GroupResource {
  group: string;
  resource: string;
}

/** Kubernetes' schema.ParseGroupResource: `deployments.apps` → apps/deployments; `secrets` → core. */
export function parseGroupResource(name: string): GroupResource {
  const dot = name.indexOf('.');
  return dot < 0 ? { group: '', resource: name } : { group: name.slice(dot + 1), resource: name.slice(0, dot) };
}

/** Whether a configured resource name (wildcards included) covers `target`. */
export function coversResource(configured: string, target: GroupResource): boolean {
  const { group, resource } = parseGroupResource(configured);
  if (group === '*' && resource === '*') return true;
  return group === target.group && (resource === '*' || resource === target.resource);
}
