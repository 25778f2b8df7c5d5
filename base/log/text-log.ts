/**
 * The bridge from the `(message: string) => void` sinks the agent's and the control plane's
 * parts take to the JSON logger: a leading `[part] ` becomes the `component` (`agent.pods`),
 * a leading `WARNING: ` the level warn and `BUG: ` the level error. The parts keep a plain
 * function to log through, and their tests keep collecting strings.
 */
import { partLogger, type Logger } from './logger';

const PREFIX = /^\[([a-z][a-z0-9-]*)\] /;

interface Parsed {
  part?: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export function parseLogText(text: string): Parsed {
  const part = PREFIX.exec(text)?.[1];
  let message = part === undefined ? text : text.slice(part.length + 3);
  let level: Parsed['level'] = 'info';
  if (message.startsWith('WARNING: ')) [level, message] = ['warn', message.slice(9)];
  else if (message.startsWith('BUG: ')) [level, message] = ['error', message];
  return { part, level, message };
}

export function textLog(logger: Logger): (text: string) => void {
  const children = new Map<string, Logger>();
  const childFor = (part: string): Logger => {
    let child = children.get(part);
    if (!child) children.set(part, (child = partLogger(logger, part)));
    return child;
  };
  return (text) => {
    const { part, level, message } = parseLogText(text);
    (part === undefined ? logger : childFor(part))[level](message);
  };
}
