/**
 * Side-loaded images (a Pi has no registry: images arrive by `docker load`) built for another
 * architecture start and die with "exec format error". The check compares each image's
 * platform (Docker's image inspect: Os, Architecture, Variant) with the node's.
 */
import type { CheckResult } from '../../host/check-result';

export interface Platform {
  os: string;
  /** GOARCH spelling: arm64, arm, amd64. */
  architecture: string;
  /** arm: v6, v7; optional. */
  variant?: string;
}

export interface ImagePlatform extends Platform {
  /** A tag, or the id when untagged. */
  name: string;
}

export function platformText(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The node's platform from Node's process.arch and uname -m (arm's variant). */
export function nodePlatform(arch: string, machine: string): Platform {
  if (arch === 'arm') return { os: 'linux', architecture: 'arm', variant: machine === 'armv6l' ? 'v6' : 'v7' };
  return { os: 'linux', architecture: ({ x64: 'amd64', ia32: '386' } as Record<string, string>)[arch] ?? arch };
}

const ARM_LEVEL: Record<string, number> = { v5: 5, v6: 6, v7: 7, v8: 8 };

/** Whether an image of platform `image` runs on `node`: the same OS and architecture, an arm variant no newer. */
export function runsOn(image: Platform, node: Platform): boolean {
  if (image.os !== node.os) return false;
  // The 64-bit cores of a Pi 3, 4 and 5 also execute 32-bit ARM code, as x86-64 does 386.
  if ((node.architecture === 'arm64' && image.architecture === 'arm') || (node.architecture === 'amd64' && image.architecture === '386')) return true;
  if (image.architecture !== node.architecture) return false;
  if (image.architecture !== 'arm' || !image.variant || !node.variant) return true;
  return (ARM_LEVEL[image.variant] ?? 99) <= (ARM_LEVEL[node.variant] ?? 0);
}

export function checkImagePlatforms(images: ImagePlatform[], node: Platform): CheckResult {
  const foreign = images.filter((i) => !runsOn(i, node));
  const name = 'image-platforms';
  if (foreign.length === 0) return { name, status: 'pass', message: `${images.length} image(s), all for ${platformText(node)}` };
  return {
    name, status: 'warn',
    message: `this node is ${platformText(node)}; ${foreign.map((i) => `${i.name} is ${platformText(i)}`).join(', ')}: pods using them fail with "exec format error"`,
    fix: `rebuild them for ${platformText(node)} (docker buildx build --platform ${platformText(node)}) and docker load them again`,
  };
}
