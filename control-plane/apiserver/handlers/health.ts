/**
 * `/healthz`, `/livez`, `/readyz` (and `/readyz/<check>`), as the apiserver answers them:
 * `ok`, or with `?verbose` one `[+]name ok` line per check; a failed check is a 500 with
 * `[-]name failed: reason withheld`. livez is the process itself; healthz and readyz also need
 * etcd to answer, within `HEALTH_CHECK_TIMEOUT_MS` (an etcd that is away fails the check, it
 * does not hold the probe).
 */
import type { ServerResponse } from 'node:http';
import { writeText } from '../respond';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const PING: HealthCheck = { name: 'ping', check: async () => undefined };

export function checksFor(endpoint: 'healthz' | 'livez' | 'readyz', etcd: HealthCheck): HealthCheck[] {
  return endpoint === 'livez' ? [PING] : [PING, etcd];
}

/** As kube-apiserver's `--etcd-healthcheck-timeout` (2 s): a check that has not answered by then has failed. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

async function run(check: HealthCheck, timeoutMs: number): Promise<boolean> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let onTimeout = (): void => undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    onTimeout = () => reject(new Error(`${check.name} did not answer within ${timeoutMs} ms`));
    timeout.addEventListener('abort', onTimeout, { once: true });
  });
  try {
    await Promise.race([check.check(), expired]);
    return true;
  } catch {
    return false;
  } finally {
    timeout.removeEventListener('abort', onTimeout);
  }
}

export async function serveHealth(
  res: ServerResponse, endpoint: string, checks: HealthCheck[], single: string | undefined, verbose: boolean, timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): Promise<void> {
  const selected = single === undefined ? checks : checks.filter((c) => c.name === single);
  if (single !== undefined && selected.length === 0) return writeText(res, 404, '404 page not found\n');
  const results = await Promise.all(selected.map((c) => run(c, timeoutMs)));
  const passed = results.every(Boolean);
  if (passed && !verbose) return writeText(res, 200, 'ok');
  const lines = selected.map((c, i) => (results[i] ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`));
  writeText(res, passed ? 200 : 500, `${lines.join('\n')}\n${endpoint} check ${passed ? 'passed' : 'failed'}\n`);
}
