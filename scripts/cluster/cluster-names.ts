/**
 * Names of everything a simulated cluster creates outside its own directories. Every name
 * carries the cluster id, so that clusters coexist (one from `npm start`, others from tests)
 * and a leftover can be traced to its cluster, and so that nothing without our prefix is
 * ever touched. Interface names stay within the kernel's 15 characters.
 */
import { randomBytes } from 'node:crypto';

const ID = /^[a-z0-9]{6}$/;
/** Node names become parts of namespace, interface and cgroup names. */
const NODE_NAME = /^[a-z][a-z0-9]{0,9}$/;

/** Matches our namespaces and host interfaces; group 1 is the cluster id. */
export const OWN_NAME = /^pks-([a-z0-9]{6})-/;
/** Matches our cgroup directories (`/pikube-<id>-<node>`); group 1 is the cluster id. */
/** A node's cgroup: `pikube-<id>-<node>`, or its slice `pikube_<id>_<node>.slice` under Docker's systemd driver. */
export const OWN_CGROUP = /^pikube(?:-([a-z0-9]{6})-[a-z][a-z0-9]*|_([a-z0-9]{6})_[a-z][a-z0-9]*\.slice)$/;

export function newClusterId(): string {
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz';
  return [...randomBytes(6)].map((b) => digits[b % digits.length]).join('');
}

export function checkClusterId(id: string): string {
  if (!ID.test(id)) throw new Error(`invalid cluster id "${id}"`);
  return id;
}

export function checkNodeName(name: string): string {
  if (!NODE_NAME.test(name)) throw new Error(`invalid node name "${name}": a lowercase letter, then up to 9 letters or digits`);
  return name;
}

/** The namespace of the LAN switch. */
export function lanNetnsName(id: string): string {
  return `pks-${checkClusterId(id)}-lan`;
}

/** The machine's own end of its LAN cable (the one interface we add to its namespace). */
export function hostInterfaceName(id: string): string {
  return `pks-${checkClusterId(id)}-h`;
}

export function nodeNetnsName(id: string, node: string): string {
  return `pks-${checkClusterId(id)}-${checkNodeName(node)}`;
}

/** The switch's port for a node, inside the switch namespace. */
export function switchPortName(node: string): string {
  return `p-${checkNodeName(node)}`;
}

/** Cgroup parent of the node's containers, without the leading slash. */
export function cgroupName(id: string, node: string): string {
  return `pikube-${checkClusterId(id)}-${checkNodeName(node)}`;
}

/**
 * Network namespaces the test fixtures make outside any cluster, named after the pid of the
 * test process that owns them: `pkit-<pid>-<hex>` (a node's dockerd, test/integration/agent) and
 * `pikube-arm-<arch>-<pid>` (the ARM tier). Once that process is gone, they are leftovers.
 */
export const FIXTURE_NETNS = /^(?:pkit-(\d+)-[0-9a-f]+|pikube-arm-[a-z0-9]+-(\d+))$/;
