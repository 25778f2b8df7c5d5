/**
 * `/version`. kubectl on these machines dispatches to `kubectl.1.<minor>` by it, so the minor
 * is the Kubernetes API level pikube serves: 32.
 */
export const KUBERNETES_MAJOR = '1';
export const KUBERNETES_MINOR = '32';
export const GIT_VERSION = `v${KUBERNETES_MAJOR}.${KUBERNETES_MINOR}.0-pikube`;

export function versionInfo(): object {
  return {
    major: KUBERNETES_MAJOR,
    minor: KUBERNETES_MINOR,
    gitVersion: GIT_VERSION,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
