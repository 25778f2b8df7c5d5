/**
 * An upstream resolver's address as configured: `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port`
 * (a bare IPv6 address takes port 53).
 */
import { isIP, isIPv4 } from 'node:net';

export interface UpstreamAddress {
  host: string;
  port: number;
}

const DNS_PORT = 53;

/** The address `text` names, or undefined when it is not one of the forms above. */
export function parseUpstreamAddress(text: string): UpstreamAddress | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const v4WithPort = /^([\d.]+):(\d+)$/.exec(text);
  const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : v4WithPort ? [v4WithPort[1], v4WithPort[2]] : [text, undefined];
  if (host === undefined || isIP(host.replace(/%.*$/, '')) === 0 || (v4WithPort && !isIPv4(host))) return undefined;
  const portNumber = port === undefined ? DNS_PORT : Number(port);
  return portNumber >= 1 && portNumber <= 65535 ? { host, port: portNumber } : undefined;
}
