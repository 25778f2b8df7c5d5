/**
 * Picks a free value of a range for automatic allocation: a random starting point, then the
 * next free one upwards (wrapping), so concurrent allocators rarely collide and a nearly full
 * range still finds its last free value. `random` returns [0, 1) (tests pass their own).
 */
export function pickFree(first: number, last: number, taken: ReadonlySet<number>, random: () => number = Math.random): number | undefined {
  const size = last - first + 1;
  if (size <= 0) return undefined;
  const start = Math.floor(random() * size);
  for (let i = 0; i < size; i++) {
    const candidate = first + ((start + i) % size);
    if (!taken.has(candidate)) return candidate;
  }
  return undefined;
}
