/**
 * pikube's image policy (issue 14): the registries a pod's images may come from, set with
 * pikube-server's `--allowed-image-registries` (or `allowed-image-registries:` in
 * /etc/pikube/server.yaml, a string or a list). Unset, every image is allowed.
 *
 * The value is a comma-separated list of patterns `HOST[/PATH][/*]`:
 * - HOST is a registry host as an image reference names it: it has a `.` or a `:port`, or is
 *   `localhost` (`registry.home.lan`, `localhost:5000`, `docker.io`; `index.docker.io` means
 *   `docker.io`). Compared without regard to case, as DNS does.
 * - PATH, optional, is a repository path prefix on whole components: `docker.io/library`
 *   allows `docker.io/library/nginx` and `docker.io/library/a/b`, not `docker.io/libraryx/app`.
 * - A trailing `/*` says "anything below" and changes nothing (`registry.home.lan/*` is
 *   `registry.home.lan`); `*` anywhere else, a tag or a digest is refused.
 * An image is matched in its normalised form (image-reference.ts: `nginx` is
 * `docker.io/library/nginx:latest`); one that docker could not parse matches nothing.
 */
import { formatImageReference, isRepositoryPath, normalizeRegistryHost, parseImageReference } from './image-reference';

export interface RegistryPattern {
  /** As the user wrote it, for messages. */
  text: string;
  /** The registry host, lower case. */
  host: string;
  /** The repository path prefix; "" for the whole registry. */
  path: string;
}

export interface ImagePolicy {
  /** Never empty: an image must match one of these. */
  allowed: readonly RegistryPattern[];
}

/** What the policy says of one image; `image` is the normalised reference when it parses. */
export type ImageVerdict =
  | { allowed: true; image: string }
  | { allowed: false; image: string; reason: 'NotAllowed' | 'InvalidReference' };

/** The policy of a flag's value; throws an Error naming the bad pattern and why. */
export function parseImagePolicy(value: string): ImagePolicy {
  const texts = value.split(',').map((t) => t.trim());
  if (texts.every((t) => t === '')) throw new Error('--allowed-image-registries must list at least one registry pattern; leave it unset to allow every registry');
  return { allowed: texts.map(parsePattern) };
}

function parsePattern(text: string): RegistryPattern {
  const fail = (why: string): never => {
    throw new Error(`--allowed-image-registries: "${text}" ${why}; a pattern is HOST[/PATH][/*], e.g. registry.home.lan/* or docker.io/library`);
  };
  if (text === '') fail('is empty');
  const body = text.endsWith('/*') ? text.slice(0, -2) : text;
  if (body.includes('*')) fail('has a "*" that is not a whole last component');
  const slash = body.indexOf('/');
  const first = slash < 0 ? body : body.slice(0, slash);
  const path = slash < 0 ? '' : body.slice(slash + 1);
  if (!/[.:]/.test(first) && first !== 'localhost') fail('does not start with a registry host (it needs a "." or a ":port", or is localhost)');
  const host = normalizeRegistryHost(first) ?? fail(`has an invalid registry host "${first}"`);
  if (slash >= 0 && !isRepositoryPath(path)) fail(`has an invalid repository path "${path}" (lower-case components, no tag or digest)`);
  return { text, host: host.toLowerCase(), path };
}

/** Whether the policy allows the image, and the image as it was judged. */
export function judgeImage(policy: ImagePolicy, image: string): ImageVerdict {
  const ref = parseImageReference(image);
  if (!ref) return { allowed: false, image, reason: 'InvalidReference' };
  const normalized = formatImageReference(ref);
  const host = ref.domain.toLowerCase();
  const allowed = policy.allowed.some((p) => p.host === host && (p.path === '' || ref.path === p.path || ref.path.startsWith(`${p.path}/`)));
  return allowed ? { allowed, image: normalized } : { allowed, image: normalized, reason: 'NotAllowed' };
}

/** The patterns as the user gave them, for a refusal's message. */
export function describeImagePolicy(policy: ImagePolicy): string {
  return policy.allowed.map((p) => p.text).join(', ');
}
