/**
 * The pod-template-hash a Deployment puts in its ReplicaSets' names and selectors
 * (controller.ComputeHash): FNV-32a over the template, then the collision count (when set) as
 * 8 little-endian bytes, the 32-bit sum printed in decimal and each digit mapped through
 * rand.SafeEncodeString's alphabet (no vowels, no look-alike characters).
 *
 * Kubernetes hashes the Go struct as printed by spew; pikube hashes a canonical JSON (keys
 * sorted, absent and empty values dropped, so semantically equal templates hash the same).
 * The hash is stable across pikube versions but not equal to the one Kubernetes computes for
 * the same template, which nothing needs: only the controller that wrote it reads it back.
 */
import type { PodTemplateSpec } from './core-v1';

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function computePodTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let hash = fnv32a(FNV_OFFSET, Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) hash = fnv32a(hash, collisionCountBytes(collisionCount));
  return safeEncodeString(String(hash));
}

/** FNV-1a, 32 bits, continuing from `hash`. */
export function fnv32a(hash: number, bytes: Uint8Array): number {
  let h = hash >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h;
}

function collisionCountBytes(count: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, count >>> 0, true);
  return bytes;
}

/** rand.SafeEncodeString: each character's code point modulo the alphabet's length. */
export function safeEncodeString(s: string): string {
  return [...s].map((ch) => SAFE_ALPHANUMS[(ch.codePointAt(0) ?? 0) % SAFE_ALPHANUMS.length]).join('');
}

/** JSON with sorted keys, without null/undefined/empty-object/empty-array members. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'null';
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = canonical((value as Record<string, unknown>)[key]);
    if (!isEmpty(v)) out[key] = v;
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}
