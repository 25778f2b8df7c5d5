/** Finalizer lists: adding and removing one name, leaving the order of the others. */

/** The list with `name` at its end if it was missing (a new array). */
export function withFinalizer(finalizers: readonly string[] | undefined, name: string): string[] {
  const list = [...(finalizers ?? [])];
  return list.includes(name) ? list : [...list, name];
}

/** The list without `name` (a new array). */
export function withoutFinalizer(finalizers: readonly string[] | undefined, name: string): string[] {
  return (finalizers ?? []).filter((f) => f !== name);
}
