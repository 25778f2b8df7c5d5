/**
 * Connection errors worded as Go's net package words them, since the kubelet's probe messages
 * quote them (`dial tcp 10.42.0.7:8080: connect: connection refused`) and users search for them.
 */

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  EADDRNOTAVAIL: 'connect: cannot assign requested address',
  ETIMEDOUT: 'i/o timeout',
};

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The text of a failed connection to `hostPort`; a connection the peer dropped reads as Go's `EOF`. */
export function dialErrorText(err: unknown, hostPort: string): string {
  const code = codeOf(err);
  if (code && CONNECT_ERRORS[code]) return `dial tcp ${hostPort}: ${CONNECT_ERRORS[code]}`;
  if (code === 'ECONNRESET') return /hang up/.test(String((err as Error).message)) ? 'EOF' : `read tcp ${hostPort}: read: connection reset by peer`;
  if (code === 'EPIPE') return `write tcp ${hostPort}: write: broken pipe`;
  return err instanceof Error ? err.message : String(err);
}

/** A dial that did not complete within the probe's timeout. */
export function dialTimeoutText(hostPort: string): string {
  return `dial tcp ${hostPort}: i/o timeout`;
}
