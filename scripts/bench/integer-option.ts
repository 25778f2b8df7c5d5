/** A benchmark's integer command-line option, checked against its range; the error names the flag. */
export function integerOption(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${flag} must be an integer ${min}..${max}, got "${value}"`);
  return n;
}
