/**
 * Kubernetes' `$(VAR)` expansion in env values, command and args: a defined name is replaced,
 * an undefined one is left as written, and `$$` escapes a `$`.
 * https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const next = input[i + 1];
    if (input[i] !== '$' || next === undefined) {
      out += input[i];
    } else if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) return out + input.slice(i);
      const name = input.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close;
    } else {
      out += '$';
    }
  }
  return out;
}
