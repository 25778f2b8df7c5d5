/**
 * A probe's port: a number, or the name of one of the container's ports, or a number written
 * as a string (probe.ResolveContainerPort). An unresolvable port makes the probe error, not fail.
 */
import type { Container } from '../../api/core-v1';

export function resolveContainerPort(port: number | string, container: Container): number | Error {
  let value: number;
  if (typeof port === 'number') value = port;
  else {
    const named = container.ports?.find((p) => p.name === port);
    if (named) value = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) value = Number(port);
    else return new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  }
  if (Number.isInteger(value) && value > 0 && value < 65536) return value;
  return new Error(`invalid port number: ${value}`);
}

/** `host:port`, with brackets around an IPv6 host (net.JoinHostPort). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
