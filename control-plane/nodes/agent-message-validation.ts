/**
 * Every message an agent sends is checked here before it touches state (STYLE 13): sizes are
 * bounded, JSON parses into the expected shape, names are Kubernetes names. A failure is an
 * `Invalid` ApiError; the node service turns it into INVALID_ARGUMENT and ends the session.
 * Whether the node may act on a given pod (bound to it, same uid) needs the store and is
 * checked where the write happens.
 */
import type { Node, NodeStatus, PodStatus } from '../../api/core-v1';
import { ApiError } from '../../api/errors';
import { validateNodeResources } from '../../api/validation/node-validation';
import type { Hello__Output } from '../../proto/generated/pikube/node/v1/Hello';
import type { NodeStatusReport__Output } from '../../proto/generated/pikube/node/v1/NodeStatusReport';
import type { PodEvent__Output } from '../../proto/generated/pikube/node/v1/PodEvent';
import type { PodStatusReport__Output } from '../../proto/generated/pikube/node/v1/PodStatusReport';
import type { PodTerminated__Output } from '../../proto/generated/pikube/node/v1/PodTerminated';
import type { ResourceUsage__Output } from '../../proto/generated/pikube/node/v1/ResourceUsage';
import type { UsageReport__Output } from '../../proto/generated/pikube/node/v1/UsageReport';

export const MESSAGE_LIMITS = {
  /** Whole gRPC message, enforced by the server's max receive length. */
  messageBytes: 1024 * 1024,
  nodeJsonBytes: 512 * 1024,
  statusJsonBytes: 256 * 1024,
  runningPodUids: 1024,
  uidLength: 64,
  conditions: 64,
  containerStatuses: 256,
};

export interface ValidHello {
  nodeName: string;
  node: Node;
  runningPodUids: string[];
}

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface ValidPodStatus extends PodRef {
  status: PodStatus;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const UID = /^[A-Za-z0-9-]+$/;
const CONDITION_STATUSES = new Set(['True', 'False', 'Unknown']);
const POD_PHASES = new Set(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
const TAINT_EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
const ADDRESS_TYPES = new Set(['InternalIP', 'ExternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS']);

function fail(what: string, message: string): never {
  throw new ApiError('Invalid', `${what}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkStringMap(value: unknown, what: string): void {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) fail(what, 'must map strings to strings');
}

function checkArray(value: unknown, what: string, max: number, each: (item: unknown, at: string) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(what, 'must be an array');
  if (value.length > max) fail(what, `must have at most ${max} entries`);
  value.forEach((item, i) => each(item, `${what}[${i}]`));
}

function checkOptionalString(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'string') fail(what, 'must be a string');
}

export function checkNodeName(name: string, what = 'node name'): void {
  if (name.length === 0 || name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    fail(what, `"${name}" must be a lowercase RFC 1123 subdomain of at most 253 characters`);
  }
}

function parseJson(bytes: Buffer, limit: number, what: string): unknown {
  if (bytes.length === 0) fail(what, 'is empty');
  if (bytes.length > limit) fail(what, `is ${bytes.length} bytes, more than the ${limit} allowed`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err: unknown) {
    return fail(what, `is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function checkCondition(item: unknown, at: string): void {
  if (!isObject(item)) fail(at, 'must be an object');
  if (typeof item.type !== 'string' || item.type === '') fail(`${at}.type`, 'must be a non-empty string');
  if (typeof item.status !== 'string' || !CONDITION_STATUSES.has(item.status)) fail(`${at}.status`, 'must be True, False or Unknown');
  for (const f of ['reason', 'message', 'lastTransitionTime', 'lastHeartbeatTime']) checkOptionalString(item[f], `${at}.${f}`);
}

function checkAddress(item: unknown, at: string): void {
  if (!isObject(item) || typeof item.address !== 'string') fail(at, 'must be an object with an address');
  if (typeof item.type !== 'string' || !ADDRESS_TYPES.has(item.type)) fail(`${at}.type`, `must be one of ${[...ADDRESS_TYPES].join(', ')}`);
}

/** A core/v1 NodeStatus as the agent reports it. */
export function checkNodeStatus(value: unknown, what: string): NodeStatus {
  if (!isObject(value)) fail(what, 'must be an object');
  checkStringMap(value.capacity, `${what}.capacity`);
  checkStringMap(value.allocatable, `${what}.allocatable`);
  const bad = validateNodeResources({ status: value } as unknown as Node)[0];
  if (bad) fail(`${what}${bad.field.slice('status'.length)}`, bad.message);
  checkArray(value.conditions, `${what}.conditions`, MESSAGE_LIMITS.conditions, checkCondition);
  checkArray(value.addresses, `${what}.addresses`, 64, checkAddress);
  if (value.nodeInfo !== undefined && !isObject(value.nodeInfo)) fail(`${what}.nodeInfo`, 'must be an object');
  return value as NodeStatus;
}

function checkTaint(item: unknown, at: string): void {
  if (!isObject(item) || typeof item.key !== 'string' || item.key === '') fail(at, 'must be an object with a key');
  if (typeof item.effect !== 'string' || !TAINT_EFFECTS.has(item.effect)) fail(`${at}.effect`, 'must be NoSchedule, PreferNoSchedule or NoExecute');
  checkOptionalString(item.value, `${at}.value`);
}

function checkNodeObject(value: unknown, nodeName: string): Node {
  if (!isObject(value)) fail('node_json', 'must be a JSON object');
  if (value.kind !== 'Node' || value.apiVersion !== 'v1') fail('node_json', 'must be a v1 Node (apiVersion "v1", kind "Node")');
  if (!isObject(value.metadata)) fail('node_json.metadata', 'must be an object');
  if (value.metadata.name !== nodeName) fail('node_json.metadata.name', `must be "${nodeName}", got ${JSON.stringify(value.metadata.name)}`);
  checkStringMap(value.metadata.labels, 'node_json.metadata.labels');
  checkStringMap(value.metadata.annotations, 'node_json.metadata.annotations');
  if (value.spec !== undefined && !isObject(value.spec)) fail('node_json.spec', 'must be an object');
  checkArray(isObject(value.spec) ? value.spec.taints : undefined, 'node_json.spec.taints', 64, checkTaint);
  if (value.status !== undefined) checkNodeStatus(value.status, 'node_json.status');
  return value as unknown as Node;
}

function checkUid(uid: string, what: string): void {
  if (uid.length === 0 || uid.length > MESSAGE_LIMITS.uidLength || !UID.test(uid)) fail(what, `"${uid}" is not a uid`);
}

export function validateHello(hello: Hello__Output): ValidHello {
  checkNodeName(hello.node_name, 'hello.node_name');
  const node = checkNodeObject(parseJson(hello.node_json, MESSAGE_LIMITS.nodeJsonBytes, 'node_json'), hello.node_name);
  if (hello.running_pod_uids.length > MESSAGE_LIMITS.runningPodUids) {
    fail('hello.running_pod_uids', `must have at most ${MESSAGE_LIMITS.runningPodUids} entries`);
  }
  hello.running_pod_uids.forEach((uid, i) => checkUid(uid, `hello.running_pod_uids[${i}]`));
  return { nodeName: hello.node_name, node, runningPodUids: [...hello.running_pod_uids] };
}

function checkPodRef(ref: PodRef, what: string): PodRef {
  if (ref.namespace.length > 63 || !DNS1123_LABEL.test(ref.namespace)) fail(`${what}.namespace`, `"${ref.namespace}" is not a namespace name`);
  if (ref.name.length > 253 || !DNS1123_SUBDOMAIN.test(ref.name)) fail(`${what}.name`, `"${ref.name}" is not a pod name`);
  checkUid(ref.uid, `${what}.uid`);
  return { namespace: ref.namespace, name: ref.name, uid: ref.uid };
}

function checkContainerStatus(item: unknown, at: string): void {
  if (!isObject(item) || typeof item.name !== 'string' || item.name === '') fail(at, 'must be an object with a name');
  if (typeof item.ready !== 'boolean') fail(`${at}.ready`, 'must be a boolean');
  if (!Number.isInteger(item.restartCount) || (item.restartCount as number) < 0) fail(`${at}.restartCount`, 'must be a non-negative integer');
  if (item.state !== undefined && !isObject(item.state)) fail(`${at}.state`, 'must be an object');
}

/** A core/v1 PodStatus as the agent reports it. */
export function checkPodStatus(value: unknown, what: string): PodStatus {
  if (!isObject(value)) fail(what, 'must be a JSON object');
  if (value.phase !== undefined && (typeof value.phase !== 'string' || !POD_PHASES.has(value.phase))) fail(`${what}.phase`, 'is not a pod phase');
  checkArray(value.conditions, `${what}.conditions`, MESSAGE_LIMITS.conditions, checkCondition);
  checkArray(value.containerStatuses, `${what}.containerStatuses`, MESSAGE_LIMITS.containerStatuses, checkContainerStatus);
  checkArray(value.initContainerStatuses, `${what}.initContainerStatuses`, MESSAGE_LIMITS.containerStatuses, checkContainerStatus);
  for (const f of ['podIP', 'hostIP', 'startTime', 'message', 'reason']) checkOptionalString(value[f], `${what}.${f}`);
  return value as PodStatus;
}

export function validatePodStatusReport(report: PodStatusReport__Output): ValidPodStatus {
  const ref = checkPodRef(report, 'pod_status');
  const status = checkPodStatus(parseJson(report.status_json, MESSAGE_LIMITS.statusJsonBytes, 'pod_status.status_json'), 'pod_status.status_json');
  return { ...ref, status };
}

export function validatePodTerminated(report: PodTerminated__Output): PodRef {
  return checkPodRef(report, 'pod_terminated');
}

export function validateNodeStatusReport(report: NodeStatusReport__Output): NodeStatus {
  return checkNodeStatus(parseJson(report.status_json, MESSAGE_LIMITS.nodeJsonBytes, 'node_status.status_json'), 'node_status.status_json');
}

/** A pod event from an agent: a Kubernetes Event's involved container, type, reason and message, bounded. */
export interface ValidPodEvent extends PodRef {
  fieldPath: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export const POD_EVENT_LIMITS = { reasonLength: 128, messageLength: 1024 };
const EVENT_FIELD_PATH = /^spec\.(containers|initContainers|ephemeralContainers)\{[a-z0-9]([-a-z0-9]*[a-z0-9])?\}$/;
const EVENT_REASON = /^[A-Z][A-Za-z0-9]*$/;

export function validatePodEvent(event: PodEvent__Output): ValidPodEvent {
  const ref = checkPodRef({ namespace: event.namespace, name: event.pod_name, uid: event.pod_uid }, 'pod_event');
  if (event.field_path !== '' && (event.field_path.length > 300 || !EVENT_FIELD_PATH.test(event.field_path))) fail('pod_event.field_path', `"${event.field_path.slice(0, 300)}" is not a container field path`);
  if (event.type !== 'Normal' && event.type !== 'Warning') fail('pod_event.type', 'must be Normal or Warning');
  if (event.reason.length > POD_EVENT_LIMITS.reasonLength || !EVENT_REASON.test(event.reason)) fail('pod_event.reason', `must be a CamelCase word of at most ${POD_EVENT_LIMITS.reasonLength} characters`);
  if (event.message.length > POD_EVENT_LIMITS.messageLength) fail('pod_event.message', `must be at most ${POD_EVENT_LIMITS.messageLength} characters`);
  return { ...ref, fieldPath: event.field_path, type: event.type, reason: event.reason, message: event.message };
}

/** One usage figure: CPU in nanocores over a window, the memory working set in bytes. */
export interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
  windowMs: number;
}

/** A usage report from an agent (stats/usage-reporter.ts), checked. */
export interface ValidUsageReport {
  timestampMs: number;
  node?: Usage;
  pods: { ref: PodRef; containers: { name: string; usage: Usage }[] }[];
}

export const USAGE_LIMITS = { pods: 1024, containers: 64 };

function checkUsage(usage: ResourceUsage__Output, what: string): Usage {
  const values = { cpuNanoCores: usage.cpu_nano_cores, memoryBytes: usage.memory_working_set_bytes, windowMs: usage.window_ms };
  for (const [key, value] of Object.entries(values)) {
    if (!Number.isSafeInteger(value) || value < 0) fail(`${what}.${key}`, 'must be a non-negative integer');
  }
  if (values.windowMs === 0) fail(`${what}.windowMs`, 'must be positive');
  return values;
}

export function validateUsageReport(report: UsageReport__Output): ValidUsageReport {
  if (!Number.isSafeInteger(report.timestamp_unix_ms) || report.timestamp_unix_ms <= 0) fail('usage.timestamp_unix_ms', 'must be a positive integer');
  if (report.pods.length > USAGE_LIMITS.pods) fail('usage.pods', `must have at most ${USAGE_LIMITS.pods} entries`);
  const pods = report.pods.map((pod, i) => {
    const at = `usage.pods[${i}]`;
    if (!pod.pod) fail(`${at}.pod`, 'is required');
    if (pod.containers.length > USAGE_LIMITS.containers) fail(`${at}.containers`, `must have at most ${USAGE_LIMITS.containers} entries`);
    const containers = pod.containers.map((c, j) => {
      if (c.name.length > 63 || !DNS1123_LABEL.test(c.name)) fail(`${at}.containers[${j}].name`, `"${c.name.slice(0, 63)}" is not a container name`);
      if (!c.usage) fail(`${at}.containers[${j}].usage`, 'is required');
      return { name: c.name, usage: checkUsage(c.usage, `${at}.containers[${j}].usage`) };
    });
    return { ref: checkPodRef(pod.pod, `${at}.pod`), containers };
  });
  return { timestampMs: report.timestamp_unix_ms, node: report.node ? checkUsage(report.node, 'usage.node') : undefined, pods };
}
