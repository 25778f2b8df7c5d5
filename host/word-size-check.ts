/**
 * 32-bit and 64-bit mixed on one Pi. Raspberry Pi OS 32-bit boots a 64-bit kernel on a Pi 4/5
 * (arm_64bit=1 is the default since 2023) under an armhf userland: `uname -m` says aarch64,
 * Docker says arm, and images, the Node labels and pods disagree about the platform. The
 * reverse (a 32-bit kernel under a 64-bit userland or Node) cannot run 64-bit programs at all.
 * The kernel's word size is /proc/sys/kernel/arch (uname -m); the userland's is the ELF class
 * of /bin/sh; Node's own is process.arch.
 */
import type { CheckResult } from './check-result';
import type { HostFiles } from './host-files';

export type WordSize = 32 | 64;

const KERNEL_WORD: Record<string, WordSize> = { aarch64: 64, arm64: 64, x86_64: 64, armv6l: 32, armv7l: 32, armv8l: 32, i686: 32, i386: 32 };
const NODE_WORD: Record<string, WordSize> = { arm64: 64, x64: 64, arm: 32, ia32: 32 };

export function kernelWordSize(machine: string): WordSize | undefined {
  return KERNEL_WORD[machine.trim()];
}

/** ELF e_ident[EI_CLASS]: 1 is ELFCLASS32, 2 ELFCLASS64. */
export function elfWordSize(header: Buffer | undefined): WordSize | undefined {
  if (!header || header.length < 5 || header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return header[4] === 2 ? 64 : header[4] === 1 ? 32 : undefined;
}

export interface WordSizeFacts {
  /** uname -m, when /proc/sys/kernel/arch is missing from the tree. */
  unameMachine: string;
  nodeArch: string;
}

const CONFIG_TXT = '/boot/firmware/config.txt (bookworm and later; /boot/config.txt before)';

export function checkWordSize(files: HostFiles, facts: WordSizeFacts): CheckResult {
  const machine = (files.read('/proc/sys/kernel/arch') ?? facts.unameMachine).trim();
  const kernel = kernelWordSize(machine);
  const userland = elfWordSize(files.head('/bin/sh', 5));
  const node = NODE_WORD[facts.nodeArch];
  const seen = `kernel ${machine} (${kernel ?? '?'}-bit), userland ${userland ?? '?'}-bit (/bin/sh), Node ${facts.nodeArch}`;
  if (kernel === 32 && (userland === 64 || node === 64)) {
    return { name: 'word-size', status: 'fail', message: `${seen}: a 32-bit kernel cannot run the 64-bit programs`, fix: `set arm_64bit=1 in ${CONFIG_TXT} and reboot` };
  }
  if (kernel === 64 && (userland === 32 || node === 32)) {
    return {
      name: 'word-size', status: 'warn',
      message: `${seen}: a 64-bit kernel under a 32-bit userland; Docker runs 32-bit images while the kernel reports ${machine}, so images and node labels disagree`,
      fix: `install the 64-bit Raspberry Pi OS (recommended, more memory per process), or set arm_64bit=0 in ${CONFIG_TXT} and reboot`,
    };
  }
  return { name: 'word-size', status: 'pass', message: seen };
}
