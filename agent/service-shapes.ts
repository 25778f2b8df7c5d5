/**
 * The shape of a Service or EndpointSlice as the agent reads it (proxy rules, DNS, service
 * environment variables). The control plane validates what it stores, but what reaches the
 * agent (the object feed, or the snapshot file on disk) is checked again field by field: one
 * malformed object must be left out with a reason, never stop the rules and DNS of every other
 * service or crash the agent.
 */
type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || v === null || check(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const isPort = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
const listOf = (check: (v: unknown) => boolean) => (v: unknown): boolean => Array.isArray(v) && v.every(check);
const isStringMap = (v: unknown): boolean => isObject(v) && Object.values(v).every(isString);

/** The first field that fails its check, as `path: problem`; undefined when all pass. */
function firstProblem(checks: [string, boolean][]): string | undefined {
  const failed = checks.find(([, ok]) => !ok);
  return failed && `${failed[0]}: unexpected shape`;
}

function metaProblem(value: unknown, kind: string): string | undefined {
  if (!isObject(value) || value.kind !== kind) return `not a ${kind}`;
  const meta = value.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '' || typeof meta.namespace !== 'string' || meta.namespace === '') return `not a ${kind} with a namespace and name`;
  return firstProblem([['metadata.labels', optional(meta.labels, isStringMap)]]);
}

const isServicePort = (p: unknown): boolean => isObject(p) && isPort(p.port) && optional(p.name, isString) && optional(p.protocol, isString)
  && optional(p.nodePort, isPort) && optional(p.targetPort, (t) => isPort(t) || isString(t));
const isIngress = (i: unknown): boolean => isObject(i) && optional(i.ip, isString) && optional(i.hostname, isString);

export function serviceShapeProblem(value: unknown): string | undefined {
  const meta = metaProblem(value, 'Service');
  if (meta !== undefined) return meta;
  const { spec, status } = value as Fields;
  if (!isObject(spec)) return 'spec: missing';
  const lb = isObject(status) && isObject(status.loadBalancer) ? status.loadBalancer.ingress : undefined;
  return firstProblem([
    ['spec.ports', optional(spec.ports, listOf(isServicePort))],
    ['spec.clusterIP', optional(spec.clusterIP, isString)],
    ['spec.clusterIPs', optional(spec.clusterIPs, listOf(isString))],
    ['spec.selector', optional(spec.selector, isStringMap)],
    ['spec.type', optional(spec.type, isString)],
    ['spec.externalName', optional(spec.externalName, isString)],
    ['spec.externalIPs', optional(spec.externalIPs, listOf(isString))],
    ['status', optional(status, isObject)],
    ['status.loadBalancer.ingress', optional(lb, listOf(isIngress))],
  ]);
}

const isEndpoint = (e: unknown): boolean => isObject(e) && listOf(isString)(e.addresses) && optional(e.conditions, isObject)
  && optional(e.hostname, isString) && optional(e.nodeName, isString);
const isSlicePort = (p: unknown): boolean => isObject(p) && optional(p.port, isPort) && optional(p.name, isString) && optional(p.protocol, isString);

export function sliceShapeProblem(value: unknown): string | undefined {
  const meta = metaProblem(value, 'EndpointSlice');
  if (meta !== undefined) return meta;
  const slice = value as Fields;
  return firstProblem([
    ['endpoints', listOf(isEndpoint)(slice.endpoints)],
    ['ports', optional(slice.ports, listOf(isSlicePort))],
  ]);
}
