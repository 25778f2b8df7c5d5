/**
 * Text from outside (object names, URLs, error messages that quote a request or a stored
 * value) made safe for one log line: control characters, NUL, DEL, C1 controls and the Unicode
 * line separators are written as JSON escapes (`\u0000`, `\n`), and so is the backslash, so an
 * escape in the input cannot pass for one made here. No input can forge a log line or drive
 * the reader's terminal; everything else, UTF-8 included, stays readable.
 */
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const SHORT: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

export function escapeForLog(text: string): string {
  return text.replace(UNSAFE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Any value (an Error: its message) as escaped text, cut at `maxLength` characters. */
export function logText(text: unknown, maxLength = 1024): string {
  const raw = typeof text === 'string' ? text : text instanceof Error ? text.message : String(text);
  const cut = raw.length > maxLength ? `${raw.slice(0, maxLength)}… (${raw.length - maxLength} more characters)` : raw;
  return escapeForLog(cut);
}
