/**
 * Cgroup paths as systemd slice names, the way the kubelet's systemd cgroup driver names them
 * (cm/cgroup_manager_linux.go): each path component escaped (`-` becomes `_`, since `-` is
 * systemd's nesting separator), joined by `-`:
 *
 *   /pikube/burstable/pod1b2c-…   →   pikube-burstable-pod1b2c_….slice
 *
 * and a slice name as the cgroup directory systemd makes for it, parents first:
 *
 *   pikube-burstable.slice        →   /pikube.slice/pikube-burstable.slice
 */
const SLICE = '.slice';

function components(cgroupPath: string): string[] {
  return cgroupPath.split('/').filter(Boolean);
}

/** One cgroup path component as a slice name part. */
export function escapeSliceComponent(component: string): string {
  return component.replace(/-/g, '_');
}

export function unescapeSliceComponent(part: string): string {
  return part.replace(/_/g, '-');
}

/** `/a/b-c` → `a-b_c.slice`; a name that already is a slice is kept. */
export function sliceNameOf(cgroupPath: string): string {
  if (cgroupPath.endsWith(SLICE)) return cgroupPath;
  const parts = components(cgroupPath).map(escapeSliceComponent);
  if (parts.length === 0) throw new Error(`cgroup path "${cgroupPath}" names no slice`);
  return `${parts.join('-')}${SLICE}`;
}

/** `a-b-c.slice` → `/a.slice/a-b.slice/a-b-c.slice`, the slice's cgroup under the mount. */
export function sliceCgroupPath(sliceName: string): string {
  if (!sliceName.endsWith(SLICE)) throw new Error(`"${sliceName}" is not a slice name`);
  const parts = sliceName.slice(0, -SLICE.length).split('-');
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('-')}${SLICE}`).join('');
}

/** The child component of `child` under slice `parent` (`a-b.slice`, `a-b-pod1.slice` → `pod1`), if it is one. */
export function childComponent(parent: string, child: string): string | undefined {
  const prefix = `${parent.slice(0, -SLICE.length)}-`;
  if (!child.startsWith(prefix) || !child.endsWith(SLICE)) return undefined;
  const part = child.slice(prefix.length, -SLICE.length);
  return part.length > 0 && !part.includes('-') ? unescapeSliceComponent(part) : undefined;
}
