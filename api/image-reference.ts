/**
 * Container image references (`[registry/]repository[:tag][@digest]`), parsed as Kubernetes
 * does through docker's reference.ParseNormalizedNamed (pkg/util/parsers.ParseImageName):
 * a reference with neither tag nor digest means the tag "latest"; Docker Hub's names are
 * normalised (`nginx` is `docker.io/library/nginx`, `index.docker.io/x` is `docker.io/x`).
 */

export interface ImageReference {
  /** Registry host, "docker.io" when none is given. */
  domain: string;
  /** Repository path within the registry, e.g. "library/busybox". */
  path: string;
  /** Tag; "latest" when neither tag nor digest is given; "" with a digest only. */
  tag: string;
  digest: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;
const MAX_NAME_LENGTH = 255;
const DEFAULT_DOMAIN = 'docker.io';
/** docker's legacyDefaultDomain, rewritten to DEFAULT_DOMAIN. */
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';

/** The parsed reference, or undefined when docker would reject it. */
export function parseImageReference(image: string): ImageReference | undefined {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : '';
  const named = at >= 0 ? image.slice(0, at) : image;
  if (at >= 0 && !DIGEST_RE.test(digest)) return undefined;
  const { name, tag } = splitTag(named);
  if (tag !== undefined && !TAG_RE.test(tag)) return undefined;
  const split = splitDomain(name);
  if (!split || name.length > MAX_NAME_LENGTH) return undefined;
  return { ...split, tag: tag ?? (digest ? '' : 'latest'), digest };
}

/** A tag is the part after the last ':' that is not followed by a '/'. */
function splitTag(named: string): { name: string; tag?: string } {
  const colon = named.lastIndexOf(':');
  if (colon < 0 || named.indexOf('/', colon) >= 0) return { name: named };
  return { name: named.slice(0, colon), tag: named.slice(colon + 1) };
}

/** docker's splitDockerDomain: the first element is a registry if it looks like a host. */
function splitDomain(name: string): { domain: string; path: string } | undefined {
  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  const domain = !isDomain ? DEFAULT_DOMAIN : first === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
  let path = isDomain ? name.slice(slash + 1) : name;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (!DOMAIN_RE.test(domain) || !PATH_RE.test(path)) return undefined;
  return { domain, path };
}

/** The reference in full, as docker's reference.TagNameOnly(...).String(): `docker.io/library/nginx:latest`, `host/app@sha256:…`. */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** A registry host as a reference may name one (`registry.home.lan`, `localhost:5000`), Docker Hub's legacy name rewritten. */
export function normalizeRegistryHost(host: string): string | undefined {
  if (!DOMAIN_RE.test(host)) return undefined;
  return host === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : host;
}

/** True for a repository path or a prefix of one on whole components (`library`, `pi/app`). */
export function isRepositoryPath(path: string): boolean {
  return PATH_RE.test(path);
}
