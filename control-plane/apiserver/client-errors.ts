/**
 * What a client hears when its request cannot even be parsed or read in time (the HTTP
 * server's 'clientError'): a Status written as a whole HTTP/1.1 response on the raw socket,
 * then the socket closes — a slow client holds nothing afterwards. Request headers and bodies
 * that do not arrive within the server's timeouts are a 408; malformed requests a 400.
 * When a response has already begun on the socket, the socket is just destroyed.
 */
import type { Duplex } from 'node:stream';
import type { Status } from '../../api/meta';
import { endWithStatus } from './upgrade-response';

interface ClientErrorShape {
  code?: string;
}

/** The socket's current response, if Node's HTTP server has started one. */
interface HttpSocket {
  _httpMessage?: { headersSent?: boolean } | null;
}

function statusFor(err: ClientErrorShape): Status | undefined {
  const failure = (code: number, reason: string, message: string): Status => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details: {}, code });
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return failure(408, 'Timeout', 'Timeout: the request headers or body did not arrive within the allowed duration');
    case 'HPE_HEADER_OVERFLOW':
      return failure(431, 'RequestEntityTooLarge', 'Request header fields too large');
    default:
      return failure(400, 'BadRequest', 'malformed HTTP request');
  }
}

export function answerClientError(err: ClientErrorShape, socket: Duplex): void {
  const status = statusFor(err);
  const started = (socket as unknown as HttpSocket)._httpMessage?.headersSent === true;
  if (!status || started || socket.destroyed || !socket.writable) return void socket.destroy();
  endWithStatus(socket, status, () => socket.destroy());
}
