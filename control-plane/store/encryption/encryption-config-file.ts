/**
 * Reads the `--encryption-provider-config` file. It holds the keys, so it must not be readable
 * by every user of the Pi: a file with the "other" read bit (or any write bit beyond the owner's)
 * is refused with the chmod that fixes it. Neither the keys nor the file's text are ever logged.
 */
import { readFileSync, statSync } from 'node:fs';
import type { KeySpace, ResourceRef } from '../keys';
import { parseEncryptionConfig, type EncryptionConfig } from './encryption-config';
import { resourceEncryption, type ResourceEncryptionPlan } from './resource-encryption';

const MAX_BYTES = 256 * 1024;

export function readEncryptionConfigFile(file: string): EncryptionConfig {
  let mode: number;
  let size: number;
  try {
    ({ mode, size } = statSync(file));
  } catch (err: unknown) {
    throw new Error(`error opening encryption provider configuration file "${file}": ${(err as Error).message}`);
  }
  if ((mode & 0o022) !== 0 || (mode & 0o004) !== 0) {
    throw new Error(`encryption provider configuration file "${file}" holds keys and is mode ${(mode & 0o777).toString(8).padStart(4, '0')}: it must not be readable by other users nor writable by anyone but its owner (fix: sudo chmod 600 ${file})`);
  }
  if (size === 0) throw new Error(`encryption provider configuration file "${file}" is empty`);
  if (size > MAX_BYTES) throw new Error(`encryption provider configuration file "${file}" is ${size} bytes, more than ${MAX_BYTES}`);
  try {
    return parseEncryptionConfig(readFileSync(file, 'utf8'));
  } catch (err: unknown) {
    throw new Error(`error while parsing encryption provider configuration file "${file}": ${(err as Error).message}`);
  }
}

/** The file applied to the served kinds; names that cover none of them are logged, not fatal (kube-apiserver accepts them too). */
export function loadResourceEncryption(file: string, keySpace: KeySpace, kinds: readonly ResourceRef[], log: (message: string) => void): ResourceEncryptionPlan {
  const plan = resourceEncryption(readEncryptionConfigFile(file), keySpace, kinds);
  if (plan.unmatched.length > 0) log(`encryption at rest: ${plan.unmatched.join(', ')} in ${file} name no resource pikube stores; ignored`);
  const written = plan.resources.map((r) => `${r.name} (${r.writer})`).join(', ');
  log(`encryption at rest from ${file}: ${written || 'no stored resource'}`);
  return plan;
}
