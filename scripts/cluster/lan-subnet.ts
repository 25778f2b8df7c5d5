/**
 * Picks the /24 of a simulated LAN: one that overlaps no route or address of the machine
 * (so adding our host interface's address changes how nothing else is reached) and that no
 * other cluster of ours has claimed. A claim is a file created exclusively under the
 * registry, so two clusters starting at once never pick the same subnet.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from './run-command';
import { REGISTRY_DIR } from './cluster-state';

const CLAIMS_DIR = path.join(REGISTRY_DIR, 'subnets');

/** Candidate /24s, by their first three octets, in order of preference. */
function* candidates(): Generator<string> {
  for (let i = 1; i < 255; i++) yield `10.210.${i}`;
  for (let i = 1; i < 255; i++) yield `172.30.${i}`;
}

interface Prefix {
  address: number;
  length: number;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function parsePrefix(text: string): Prefix | undefined {
  const [addr, len] = text.split('/');
  const address = parseIpv4(addr);
  const length = len === undefined ? 32 : Number(len);
  if (address === undefined || !Number.isInteger(length) || length < 0 || length > 32) return undefined;
  return { address, length };
}

function mask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  const m = mask(Math.min(a.length, b.length));
  return ((a.address & m) >>> 0) === ((b.address & m) >>> 0);
}

/**
 * Destinations of every IPv4 route (all tables) and every address of the machine. The
 * default route is left out: it overlaps everything and takes no subnet.
 */
export async function hostPrefixes(): Promise<Prefix[]> {
  const routes = (await runCommand('ip', ['-4', '-o', 'route', 'show', 'table', 'all'])).stdout.split('\n');
  const addrs = (await runCommand('ip', ['-4', '-o', 'addr', 'show'])).stdout.split('\n');
  const texts = [
    ...routes.map((l) => l.trim().split(/\s+/)).map((t) => (/^[0-9]/.test(t[0] ?? '') ? t[0] : t[1])),
    ...addrs.map((l) => /\sinet\s+(\S+)/.exec(l)?.[1]),
  ];
  return texts.filter((t): t is string => t !== undefined).map(parsePrefix).filter((p): p is Prefix => p !== undefined);
}

function tryClaim(base: string, clusterId: string): boolean {
  try {
    writeFileSync(path.join(CLAIMS_DIR, base), clusterId, { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/** Claims a free /24 for the cluster; returns its first three octets, e.g. "10.210.1". */
export async function claimLanSubnet(clusterId: string): Promise<string> {
  mkdirSync(CLAIMS_DIR, { recursive: true });
  const taken = await hostPrefixes();
  for (const base of candidates()) {
    const prefix = parsePrefix(`${base}.0/24`) as Prefix;
    if (!taken.some((t) => overlaps(t, prefix)) && tryClaim(base, clusterId)) return base;
  }
  throw new Error('no free /24 for a simulated LAN in 10.210.0.0/16 or 172.30.0.0/16');
}

/** Every claim: subnet base → cluster id. */
export function subnetClaims(): Map<string, string> {
  const claims = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(CLAIMS_DIR);
  } catch {
    return claims;
  }
  for (const base of names) {
    try {
      claims.set(base, readFileSync(path.join(CLAIMS_DIR, base), 'utf8').trim());
    } catch {
      // released meanwhile
    }
  }
  return claims;
}

/** Releases the claim if it is the cluster's. */
export function releaseLanSubnet(base: string, clusterId: string): void {
  if (subnetClaims().get(base) === clusterId) rmSync(path.join(CLAIMS_DIR, base), { force: true });
}
