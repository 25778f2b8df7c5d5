/**
 * A refused HTTP upgrade: the Status written as a whole HTTP/1.1 response on the raw socket
 * (the server hands upgrade requests over without a ServerResponse), then the socket closes.
 * Clients read it as they read any error: kubectl's websocket dialer reports it and retries
 * with SPDY, whose refusal it prints as `Error from server (<reason>): <message>`.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError } from '../../api/errors';
import { statusOf } from './status-response';

export function rejectUpgrade(socket: Duplex, err: ApiError): void {
  if (socket.destroyed || !socket.writable) return void socket.destroy();
  const body = JSON.stringify(statusOf(err));
  const head = [
    `HTTP/1.1 ${err.httpStatus} ${STATUS_CODES[err.httpStatus] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-cache, private',
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
