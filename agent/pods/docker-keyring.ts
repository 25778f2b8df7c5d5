/**
 * Registry credentials from a pod's image pull secrets, matched to an image as the kubelet's
 * credential keyring matches them (pkg/credentialprovider: BasicDockerKeyring, URLsMatch, and
 * credentialprovider/secrets.MakeDockerKeyring): only Secrets of type
 * `kubernetes.io/dockerconfigjson` (key `.dockerconfigjson`, its `auths`) and
 * `kubernetes.io/dockercfg` (key `.dockercfg`) count; each entry's server is a schemeless URL
 * whose `/v1/` or `/v2/` path prefix is dropped; host parts may be globs (`*.example.com`);
 * a port must match exactly; a path is a prefix of the repository's. More specific keys come
 * first (the index is reverse-sorted), and Docker Hub images also match `index.docker.io`.
 * https://kubernetes.io/docs/concepts/containers/images/#interpretation-of-config-json
 */
import type { Secret } from '../../api/config-v1';
import { SECRET_KEY, SECRET_TYPE } from '../../api/config-v1';
import type { RegistryAuth } from '../runtime/container-runtime';

const DEFAULT_REGISTRY_HOST = 'index.docker.io';

type Entries = Record<string, unknown>;

/** `auth` is base64(username:password) and wins over `username`/`password` (DockerConfigEntry.UnmarshalJSON). */
function entryAuth(entry: unknown): RegistryAuth {
  const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const text = (k: string): string => (typeof fields[k] === 'string' ? (fields[k] as string) : '');
  const auth: RegistryAuth = { username: text('username'), password: text('password'), ...(text('email') ? { email: text('email') } : {}) };
  if (!text('auth')) return auth;
  const decoded = Buffer.from(text('auth'), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new Error('unable to parse auth field, must be formatted as base64(username:password)');
  return { ...auth, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The `auths` of a docker config from a secret of the right type; undefined for any other secret. */
function entriesOf(secret: Secret): Entries | undefined {
  const data = secret.data ?? {};
  const read = (key: string): unknown => JSON.parse(Buffer.from(data[key] ?? '', 'base64').toString('utf8'));
  if (secret.type === SECRET_TYPE.dockerConfigJson && data[SECRET_KEY.dockerConfigJson]) {
    const auths = (read(SECRET_KEY.dockerConfigJson) as { auths?: unknown } | null)?.auths;
    return typeof auths === 'object' && auths !== null ? (auths as Entries) : {};
  }
  if (secret.type === SECRET_TYPE.dockercfg && data[SECRET_KEY.dockercfg]) {
    const cfg = read(SECRET_KEY.dockercfg);
    return typeof cfg === 'object' && cfg !== null ? (cfg as Entries) : {};
  }
  return undefined;
}

/** A server as written in a docker config → the keyring's key (host plus a significant path). */
export function keyOf(server: string): string | undefined {
  if (/\s/.test(server)) return undefined; // Go's url.Parse refuses spaces in a host
  const withScheme = /^https?:\/\//.test(server) ? server : `https://${server}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return undefined; // the kubelet logs and ignores an entry it cannot parse
  }
  let path = decodeURIComponent(parsed.pathname);
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? parsed.host + path : parsed.host;
}

/** Go's filepath.Match on one host part: `*`, `?` and `[...]`. */
function globMatches(glob: string, text: string): boolean {
  const source = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\[!/g, '[^');
  try {
    return new RegExp(`^${source}$`).test(text);
  } catch {
    return false;
  }
}

function splitHost(url: string): { parts: string[]; port: string; path: string } {
  const slash = url.indexOf('/');
  const host = slash < 0 ? url : url.slice(0, slash);
  const path = slash < 0 ? '' : url.slice(slash);
  const portMatch = /^(.*):(\d*)$/.exec(host);
  return { parts: (portMatch ? portMatch[1] : host).split('.'), port: portMatch ? portMatch[2] : '', path };
}

/** URLsMatchStr: same number of host parts, each matching its glob, same port, the glob's path a prefix. */
export function urlsMatch(glob: string, target: string): boolean {
  const g = splitHost(glob);
  const t = splitHost(target);
  if (g.port !== t.port || g.parts.length !== t.parts.length || !t.path.startsWith(g.path)) return false;
  return g.parts.every((part, i) => globMatches(part, t.parts[i]));
}

/** Whether a repository is on Docker Hub (isDefaultRegistryMatch). */
function isDefaultRegistry(repository: string): boolean {
  const [first, rest] = [repository.split('/')[0], repository.includes('/')];
  if (!first) return false;
  if (!rest || first === 'docker.io') return true;
  return !/[.:]/.test(first);
}

export class DockerKeyring {
  private readonly creds = new Map<string, RegistryAuth[]>();
  private readonly index: string[];

  /** Throws when a docker config secret holds invalid JSON or an unreadable `auth` (the pull fails with it). */
  constructor(secrets: readonly Secret[]) {
    for (const secret of secrets) {
      const entries = entriesOf(secret);
      for (const [server, entry] of Object.entries(entries ?? {})) {
        const key = keyOf(server);
        if (key === undefined) continue;
        this.creds.set(key, [...(this.creds.get(key) ?? []), entryAuth(entry)]);
      }
    }
    this.index = [...this.creds.keys()].sort().reverse();
  }

  /** The credentials to try, in order, for a repository (`host/path`, no tag); empty: pull anonymously. */
  lookup(repository: string): RegistryAuth[] {
    const found = this.index.filter((key) => urlsMatch(key, repository)).flatMap((key) => this.creds.get(key) ?? []);
    if (found.length > 0) return found;
    return isDefaultRegistry(repository) ? this.creds.get(DEFAULT_REGISTRY_HOST) ?? [] : [];
  }
}

/**
 * The repository of an image reference in its normalized form (docker's ParseNormalizedNamed,
 * as parsers.ParseImageName): no tag or digest, Docker Hub as `docker.io/library/x`.
 */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0];
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? noDigest.slice(0, colon) : noDigest;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = first !== '' && (/[.:]/.test(first) || first === 'localhost');
  if (!isDomain) return `docker.io/${slash < 0 ? `library/${name}` : name}`;
  const domain = first === 'index.docker.io' ? 'docker.io' : first;
  const path = name.slice(slash + 1);
  return domain === 'docker.io' && !path.includes('/') ? `docker.io/library/${path}` : `${domain}/${path}`;
}
