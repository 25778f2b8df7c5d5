/**
 * Text from outside (object names, keys, error messages that quote a request or a stored
 * value) made safe for one log line: control characters — NUL, newlines, ESC, C1 — are
 * escaped as `\u00XX`, so no input can forge a log line or drive the reader's terminal, and
 * the text is cut at `maxLength` characters.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

export function logText(text: unknown, maxLength = 1024): string {
  const raw = typeof text === 'string' ? text : text instanceof Error ? text.message : String(text);
  const cut = raw.length > maxLength ? `${raw.slice(0, maxLength)}… (${raw.length - maxLength} more characters)` : raw;
  return cut.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
