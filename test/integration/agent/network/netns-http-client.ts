/**
 * Clients that run inside a test namespace. (busybox wget, the obvious HTTP client, segfaults
 * in this Debian's static build, so node itself makes the requests.)
 */
import type { TestNetns } from './netns-fixture';

/** A GET with a 2 s bound; exit 0 only for a 200. */
const HTTP_CLIENT = `const r = require('http').get(process.argv[1], { timeout: 2000 }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => { process.stdout.write(b); process.exit(res.statusCode === 200 ? 0 : 1); }); });
r.on('timeout', () => { process.stderr.write('timeout'); process.exit(2); });
r.on('error', (e) => { process.stderr.write(e.message); process.exit(1); });`;

/** One datagram to host:port, the first answer printed; 2 s bound. */
const UDP_CLIENT = `const s = require('dgram').createSocket('udp4');
const t = setTimeout(() => { process.stderr.write('timeout'); process.exit(2); }, 2000);
s.on('message', (m) => { clearTimeout(t); process.stdout.write(m.toString()); s.close(); });
s.send(process.argv[2], Number(process.argv[1].split(':')[1]), process.argv[1].split(':')[0]);`;

/** Answers every datagram on host:port with `reply` (run in the "pod" namespace). */
export const UDP_ECHO_SERVER = `const s = require('dgram').createSocket('udp4');
s.on('message', (m, from) => s.send(process.argv[2], from.port, from.address));
s.bind(Number(process.argv[1].split(':')[1]), process.argv[1].split(':')[0]);`;

export async function wget(ns: TestNetns, url: string): Promise<{ ok: boolean; out: string }> {
  const r = await ns.run(process.execPath, ['-e', HTTP_CLIENT, url]);
  return { ok: r.code === 0, out: r.code === 0 ? r.stdout : r.stderr };
}

/** Sends `text` to `hostPort` (`ip:port`) over UDP and returns the reply. */
export async function udpAsk(ns: TestNetns, hostPort: string, text: string): Promise<{ ok: boolean; out: string }> {
  const r = await ns.run(process.execPath, ['-e', UDP_CLIENT, hostPort, text]);
  return { ok: r.code === 0, out: r.code === 0 ? r.stdout : r.stderr };
}
