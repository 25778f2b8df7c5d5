/** The last lines of a daemon's log, for failure messages that say why a component did not come up. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return `(${path.basename(file)}: no log)`;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `--- last lines of ${file}\n${text}`;
}
