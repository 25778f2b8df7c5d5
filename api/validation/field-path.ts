/**
 * Field paths as Kubernetes prints them in validation causes: `spec.containers[0].image`,
 * `spec.containers[0].resources.limits[memory]`, `metadata.labels`.
 * Mirrors k8s.io/apimachinery/pkg/util/validation/field.Path.String().
 */

/** Appends a child field name: child('spec', 'containers') → `spec.containers`. */
export function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** Appends a list index: index('spec.containers', 0) → `spec.containers[0]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** Appends a map key: key('spec.nodeSelector', 'disk') → `spec.nodeSelector[disk]`. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}
