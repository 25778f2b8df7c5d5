/**
 * Secret defaults and conversion (SetDefaults_Secret and the v1 → internal conversion of
 * pkg/apis/core/v1): `type` defaults to Opaque; each `stringData` entry is written into `data`
 * as base64 (overriding a `data` entry of the same key) and `stringData` itself is never stored.
 * Returns a copy.
 */
import { SECRET_TYPE, type Secret } from '../config-v1';

export function defaultSecret(secret: Secret): Secret {
  const out = structuredClone(secret);
  out.type ||= SECRET_TYPE.opaque;
  const strings = out.stringData;
  delete out.stringData;
  if (strings && Object.keys(strings).length > 0) {
    out.data = { ...(out.data ?? {}) };
    for (const [key, value] of Object.entries(strings)) out.data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  return out;
}
