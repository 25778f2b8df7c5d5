/**
 * A forwarded connection (PodStream from openPortForward) as a Duplex, so Node's HTTP client
 * can speak over it (`createConnection`) and an upgraded socket can be piped to it: writes
 * are the client's bytes, `end()` the half-close, reads the pod's bytes. Destroying it cancels
 * the connection on the node.
 */
import { Duplex } from 'node:stream';
import type { OutputChunk, PodStream } from '../pod-stream-provider';

export function podStreamSocket(conn: PodStream): Duplex {
  let reading = false;
  const socket = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (conn.writeStdin(chunk)) return callback();
      void conn.writable().then(() => callback());
    },
    final(callback) {
      conn.closeStdin();
      callback();
    },
    read() {
      if (reading) return void conn.output.resume();
      reading = true;
      conn.output.on('data', (chunk: OutputChunk) => {
        if (!socket.push(chunk.data)) conn.output.pause();
      });
      conn.output.once('end', () => socket.push(null));
      conn.output.once('error', (err: Error) => socket.destroy(err));
    },
    destroy(err, callback) {
      conn.cancel('the proxied connection was closed');
      callback(err);
    },
  });
  // The HTTP client sets timeouts and no-delay on its sockets: harmless no-ops here.
  Object.assign(socket, { setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket });
  return socket;
}
