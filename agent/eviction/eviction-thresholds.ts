/**
 * Hard eviction thresholds (`--eviction-hard`, the kubelet's flag and syntax): a comma-separated
 * list of `<signal><<quantity>` or `<signal><<percent>%`. Defaults as on Linux
 * (`memory.available<100Mi,nodefs.available<10%,imagefs.available<15%`); giving the flag
 * replaces them all, as the kubelet does (a signal left out has no threshold). Soft thresholds,
 * minimum reclaim and the inode and pid signals are not supported and are refused by name.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#hard-eviction-thresholds
 */
import { Quantity, tryParseQuantity } from '../../api/quantity';

export const EVICTION_SIGNALS = ['memory.available', 'nodefs.available', 'imagefs.available'] as const;
export type EvictionSignal = (typeof EVICTION_SIGNALS)[number];

/** Signals the kubelet knows that this agent does not measure. */
const UNSUPPORTED = ['nodefs.inodesFree', 'imagefs.inodesFree', 'containerfs.available', 'containerfs.inodesFree', 'pid.available', 'allocatableMemory.available'];

export const DEFAULT_EVICTION_HARD = 'memory.available<100Mi,nodefs.available<10%,imagefs.available<15%';

export interface Threshold {
  signal: EvictionSignal;
  /** An absolute amount in bytes, or a fraction (0..1] of the signal's capacity. */
  value: { bytes: number } | { fraction: number };
}

function isSignal(name: string): name is EvictionSignal {
  return (EVICTION_SIGNALS as readonly string[]).includes(name);
}

function parseValue(statement: string, text: string): Threshold['value'] {
  if (text.endsWith('%')) {
    const percent = Number(text.slice(0, -1));
    if (text.length === 1 || !Number.isFinite(percent) || percent < 0 || percent > 100) throw new Error(`--eviction-hard "${statement}": the percentage must be in [0%, 100%] (0% is never met)`);
    return { fraction: percent / 100 };
  }
  const q = tryParseQuantity(text);
  if (q instanceof Error || q.sign() < 0) throw new Error(`--eviction-hard "${statement}": "${text}" is not a non-negative quantity`);
  return { bytes: Number(q.value()) };
}

function parseStatement(statement: string): Threshold {
  const at = statement.indexOf('<');
  if (at <= 0) throw new Error(`--eviction-hard "${statement}": expected <signal><<quantity>, like memory.available<100Mi`);
  const signal = statement.slice(0, at);
  if (UNSUPPORTED.includes(signal)) throw new Error(`--eviction-hard "${statement}": the signal ${signal} is not supported by pikube (only ${EVICTION_SIGNALS.join(', ')})`);
  if (!isSignal(signal)) throw new Error(`--eviction-hard "${statement}": unsupported eviction signal ${signal}`);
  return { signal, value: parseValue(statement, statement.slice(at + 1)) };
}

/** Parses the flag's value; an empty one means no thresholds. Throws a message naming the bad statement. */
export function parseEvictionHard(text: string): Threshold[] {
  const statements = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const thresholds = statements.map(parseStatement);
  const seen = new Set<string>();
  for (const t of thresholds) {
    if (seen.has(t.signal)) throw new Error(`--eviction-hard: found duplicate eviction threshold for signal ${t.signal}`);
    seen.add(t.signal);
  }
  return thresholds;
}

/** The threshold's amount in bytes for a signal of this capacity (the kubelet's GetThresholdQuantity). */
export function thresholdBytes(t: Threshold, capacityBytes: number): number {
  return 'bytes' in t.value ? t.value.bytes : Math.floor(capacityBytes * t.value.fraction);
}

/** Bytes as Kubernetes prints a BinarySI quantity (`100Mi`, `91680Ki`). */
export function bytesQuantity(bytes: number): string {
  return Quantity.fromValue(BigInt(Math.max(0, Math.floor(bytes))), 'BinarySI').canonical();
}
