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

/**
 * The component is not a pino binding: a child's bindings are appended to its parent's, so a
 * child of another component would write the key twice. It is a property of each logger (a
 * child inherits its parent's through pino's prototype chain) that the mixin writes once.
 */
const COMPONENT = Symbol('pikube.log.component');

type ComponentLogger = Logger & { [COMPONENT]?: string };

export function createLogger(options: LoggerOptions): Logger {
  const logger: ComponentLogger = pino({
    base: null,
    mixin: (_fields, _level, instance) => ({ component: (instance as ComponentLogger)[COMPONENT] }),
    level: options.level ?? 'info',
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: '[redacted]' },
  }, options.destination ?? pino.destination({ dest: 1, sync: true }));
  logger[COMPONENT] = options.component;
  return logger;
}

/** The component `logger`'s lines carry. */
function componentOf(logger: Logger): string | undefined {
  return (logger as ComponentLogger)[COMPONENT];
}

/** A logger for a part of `parent`'s component: `agent` and `pods` make `agent.pods`, the lines' only component. */
export function partLogger(parent: Logger, part: string): Logger {
  const child: ComponentLogger = parent.child({});
  child[COMPONENT] = `${componentOf(parent) ?? ''}.${part}`;
  return child;
}
