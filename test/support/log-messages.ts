/**
 * The processes log one JSON object a line (base/log/logger.ts); tests match what was said, not
 * its JSON quoting (`node "pi1"` is `node \"pi1\"` inside the line). Other lines are kept as
 * they are (a Node warning, a crash's stack).
 */
export function logMessage(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const parsed = JSON.parse(line) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : line;
  } catch {
    return line;
  }
}

/** A log file's text as its messages, a line each. */
export function logMessages(text: string): string[] {
  return text.split('\n').map(logMessage);
}
