/** What the preflight asks Docker: its cgroup driver and the platforms of the images it holds. */
import type Docker from 'dockerode';
import type { ImagePlatform } from './image-platform-check';

export interface DockerFacts {
  /** Undefined when Docker does not answer. */
  cgroupDriver(): Promise<string | undefined>;
  images(): Promise<ImagePlatform[]>;
}

interface InspectPlatform {
  Os?: string;
  Architecture?: string;
  Variant?: string;
  RepoTags?: string[];
  Id?: string;
}

export function dockerFacts(docker: Docker): DockerFacts {
  return {
    cgroupDriver: async () => {
      try {
        return ((await docker.info()) as { CgroupDriver?: string }).CgroupDriver ?? 'cgroupfs';
      } catch {
        return undefined;
      }
    },
    images: async () => {
      const list = await docker.listImages().catch(() => []);
      const inspected = await Promise.all(list.map((i) => docker.getImage(i.Id).inspect().catch(() => undefined)));
      return inspected.filter((i): i is NonNullable<typeof i> => i !== undefined).map((i) => platformOf(i as InspectPlatform));
    },
  };
}

function platformOf(i: InspectPlatform): ImagePlatform {
  const name = i.RepoTags?.find((t) => t !== '<none>:<none>') ?? (i.Id ?? '').slice(0, 19);
  return { name, os: i.Os ?? 'linux', architecture: i.Architecture ?? 'unknown', ...(i.Variant ? { variant: i.Variant } : {}) };
}
