/**
 * Log lines that carry request data (method, URL, error messages) cannot be forged or broken:
 * control characters, NUL, DEL, C1 controls and the Unicode line separators are written as
 * JSON escapes (`\u0000`, `\n`), and so is the backslash, so an escape in the input cannot pass
 * for one made here. Everything else, UTF-8 included, stays readable.
 */
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const SHORT: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

export function escapeForLog(text: string): string {
  return text.replace(UNSAFE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
