/**
 * Configuration kinds of core/v1: ConfigMap and Secret (field names and optionality as
 * Kubernetes' types.go). Secret `data` and ConfigMap `binaryData` values are base64 text, as they
 * travel in JSON; `stringData` is write-only (merged into `data` on every write).
 */
import type { KubeObject, ObjectMeta } from './meta';

export interface ConfigMap extends KubeObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  immutable?: boolean;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export interface Secret extends KubeObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  immutable?: boolean;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

/** Secret types with rules of their own (SecretType constants of core/v1). */
export const SECRET_TYPE = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
} as const;

/** The keys those types require (core/v1 constants). */
export const SECRET_KEY = {
  serviceAccountName: 'kubernetes.io/service-account.name',
  dockercfg: '.dockercfg',
  dockerConfigJson: '.dockerconfigjson',
  basicAuthUsername: 'username',
  basicAuthPassword: 'password',
  sshAuthPrivateKey: 'ssh-privatekey',
  tlsCert: 'tls.crt',
  tlsPrivateKey: 'tls.key',
} as const;

/** core.MaxSecretSize: the most bytes a ConfigMap's or a Secret's values may hold together. */
export const MAX_SECRET_SIZE = 1024 * 1024;
