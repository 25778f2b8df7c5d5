/**
 * `/etc/pikube/server.yaml` and `/etc/pikube/agent.yaml`: every command-line flag, by its name
 * without the dashes, also settable in a YAML mapping. The file's settings become flags placed
 * before the command line's, so a flag given on the command line wins (node's parseArgs keeps
 * the last). Parsed with `yaml` under an alias budget (a "billion laughs" file is refused, not
 * expanded) and a size cap; an unknown key is an error naming the file, never ignored.
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';

/** A config file has no use for many aliases; this many bound an expansion attack. */
export const MAX_ALIASES = 16;
export const MAX_CONFIG_BYTES = 64 * 1024;

type Scalar = string | number | boolean;

function valueText(file: string, key: string, value: unknown): string {
  if (Array.isArray(value) && value.every((v) => ['string', 'number'].includes(typeof v))) return value.join(',');
  if (['string', 'number', 'boolean'].includes(typeof value)) return String(value as Scalar);
  throw new Error(`${file}: "${key}" must be a string, a number, a boolean or a list of strings`);
}

/** The file's settings as flags (`--name value`), checked against the flags the program knows. */
export function configFlags(file: string, text: string, known: readonly string[], booleans: readonly string[] = []): string[] {
  const doc: unknown = parse(text, { maxAliasCount: MAX_ALIASES, prettyErrors: true });
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: expected a mapping of flag names to values`);
  const flags: string[] = [];
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!known.includes(key)) throw new Error(`${file}: unknown setting "${key}"; known: ${known.join(', ')}`);
    if (booleans.includes(key)) {
      if (typeof value !== 'boolean') throw new Error(`${file}: "${key}" must be true or false`);
      if (value) flags.push(`--${key}`);
    } else {
      flags.push(`--${key}`, valueText(file, key, value));
    }
  }
  return flags;
}

/** The file's flags, or none when the default file is absent; an explicit file must exist. */
export function readConfigFlags(file: string, explicit: boolean, known: readonly string[], booleans: readonly string[] = []): string[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err: unknown) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  if (size > MAX_CONFIG_BYTES) throw new Error(`${file}: ${size} bytes, more than a config file's ${MAX_CONFIG_BYTES}`);
  return configFlags(file, readFileSync(file, 'utf8'), known, booleans);
}

/**
 * argv with the config file's flags put first: `--config FILE` (removed from argv) or, when
 * not given, `defaultFile` if it exists.
 */
export function withConfigFile(argv: string[], defaultFile: string, known: readonly string[], booleans: readonly string[] = []): string[] {
  const at = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at < 0) return [...readConfigFlags(defaultFile, false, known, booleans), ...argv];
  const inline = argv[at].startsWith('--config=');
  const file = inline ? argv[at].slice('--config='.length) : argv[at + 1];
  if (!file) throw new Error('--config needs a file');
  const rest = [...argv.slice(0, at), ...argv.slice(at + (inline ? 1 : 2))];
  return [...readConfigFlags(file, true, known, booleans), ...rest];
}
