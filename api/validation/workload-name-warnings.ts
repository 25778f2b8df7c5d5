/**
 * The create warning Kubernetes (1.27+) returns for Deployments, ReplicaSets, Jobs and CronJobs
 * (and ReplicationControllers) whose name is a valid DNS subdomain but not a DNS label: pods
 * named after them get hostnames from it. A warning (the `Warning:` header), never an error.
 */
import { isDNS1123Label } from './names';

export function workloadNameWarnings(name: string | undefined): string[] {
  const msgs = isDNS1123Label(name ?? '');
  if (msgs.length === 0) return [];
  return [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`];
}
