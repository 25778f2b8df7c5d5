/**
 * The processes' logger: one JSON line per event on stdout (journald stores it as the unit's
 * message), with `time`, `level` (its name), `component` and `message`, through pino.
 * Fields that could carry a secret are redacted wherever they appear in a logged object, so a
 * config or a request logged whole never leaks a key or token.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Field names never written out: certificates' keys, tokens, passwords, Authorization headers. */
export const REDACTED_FIELDS = ['key', 'keyPem', 'privateKey', 'token', 'bootstrapToken', 'password', 'authorization', 'secret', 'data'];

function redactPaths(): string[] {
  return REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
}

export interface LoggerOptions {
  component: string;
  level?: LogLevel;
  /** Where lines go; default stdout, written synchronously so nothing is lost on exit. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    base: { component: options.component },
    level: options.level ?? 'info',
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: '[redacted]' },
  }, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
