/**
 * Which iptables backend to program. Docker installs its chains through one of them (legacy
 * x_tables or nf_tables); ours must live in the same one, or the two rule sets would both run
 * with an order nobody chose (DESIGN.md Networking). The backend holding a `DOCKER` chain wins;
 * with neither (no Docker yet) we use the system default `iptables`.
 */
import type { CommandRunner } from './command-runner';

export type BackendName = 'nft' | 'legacy' | 'default';

export interface IptablesBackend {
  name: BackendName;
  iptables: string;
  save: string;
  restore: string;
}

export const BACKENDS: Record<BackendName, IptablesBackend> = {
  nft: { name: 'nft', iptables: 'iptables-nft', save: 'iptables-nft-save', restore: 'iptables-nft-restore' },
  legacy: { name: 'legacy', iptables: 'iptables-legacy', save: 'iptables-legacy-save', restore: 'iptables-legacy-restore' },
  default: { name: 'default', iptables: 'iptables', save: 'iptables-save', restore: 'iptables-restore' },
};

/** True when the save output declares a chain named DOCKER or DOCKER-* (in any table). */
export function holdsDockerChains(saveOutput: string): boolean {
  return /^:DOCKER(-[A-Z0-9-]+)? /m.test(saveOutput);
}

async function saveOf(run: CommandRunner, backend: IptablesBackend): Promise<string> {
  try {
    const r = await run(backend.save, []);
    return r.code === 0 ? r.stdout : '';
  } catch {
    return ''; // the binary is missing: that backend holds nothing
  }
}

/** Reads both backends (read-only) and picks the one with Docker's chains; nft on a tie. */
export async function detectBackend(run: CommandRunner): Promise<IptablesBackend> {
  const [nft, legacy] = await Promise.all([saveOf(run, BACKENDS.nft), saveOf(run, BACKENDS.legacy)]);
  if (holdsDockerChains(nft)) return BACKENDS.nft;
  if (holdsDockerChains(legacy)) return BACKENDS.legacy;
  return BACKENDS.default;
}
