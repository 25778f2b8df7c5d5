/**
 * A Status written as a whole HTTP/1.1 response on a raw socket, then the socket closes: for
 * requests the server hands over without a ServerResponse (upgrades) or could not read
 * (client-errors.ts).
 *
 * A refused upgrade: clients read it as they read any error: kubectl's websocket dialer reports
 * it and retries with SPDY, whose refusal it prints as `Error from server (<reason>): <message>`.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError } from '../../api/errors';
import type { Status } from '../../api/meta';
import { statusOf } from './status-response';

/** Writes `status` and ends the socket; `onEnd` runs once it is flushed. */
export function endWithStatus(socket: Duplex, status: Status, onEnd?: () => void): void {
  const code = status.code ?? 500;
  const body = JSON.stringify(status);
  const head = [
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-cache, private',
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, onEnd);
}

export function rejectUpgrade(socket: Duplex, err: ApiError): void {
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  endWithStatus(socket, statusOf(err));
}
