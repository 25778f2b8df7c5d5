/**
 * Cluster IPs and node ports of Services, held in etcd as one key per allocated value
 * (`<prefix>/ranges/serviceips/<ip>`, `<prefix>/ranges/servicenodeports/<port>`), each created
 * in the same transaction as the Service write that takes it and deleted with the write that
 * gives it up. Two API servers racing for one value cannot both win: the second transaction's
 * create-if-absent fails. Messages are Kubernetes' (pkg/registry/core/service/ipallocator,
 * portallocator).
 */
import { ApiError, invalid } from '../../../api/errors';
import { needsClusterIp, needsNodePorts } from '../../../api/defaults/service-defaults';
import type { KubeObject, StatusCause } from '../../../api/meta';
import type { Service, ServicePort } from '../../../api/service-v1';
import { child, index } from '../../../api/validation/field-path';
import { invalidList } from '../../../api/validation/service-validation';
import type { KeySpace } from '../../store/keys';
import type { Store } from '../../store/store';
import type { Claim, CompanionPlan, WriteCompanion } from '../write-companion';
import { pickFree } from './free-ordinal';
import { dynamicOrdinals, ipAt, ordinalOf, parseIpRange, type IpRange } from './ip-range';

export const DEFAULT_SERVICE_CIDR = '10.43.0.0/16';
export const DEFAULT_NODE_PORT_RANGE: PortRange = { first: 30000, last: 32767 };

export interface PortRange {
  first: number;
  last: number;
}

export interface ServiceAllocationsOptions {
  store: Store;
  keySpace: KeySpace;
  serviceCIDR?: string;
  nodePortRange?: PortRange;
  /** [0, 1); where automatic allocation starts looking. */
  random?: () => number;
}

/** What an allocation key stores: the value and the service holding it. */
export interface AllocationRecord extends KubeObject {
  service: { namespace: string; name: string; uid?: string };
}

export class ServiceAllocations implements WriteCompanion {
  readonly ipRange: IpRange;
  readonly nodePorts: PortRange;
  private readonly store: Store;
  private readonly keySpace: KeySpace;
  private readonly random: () => number;

  constructor(options: ServiceAllocationsOptions) {
    this.store = options.store;
    this.keySpace = options.keySpace;
    this.ipRange = parseIpRange(options.serviceCIDR ?? DEFAULT_SERVICE_CIDR);
    this.nodePorts = options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    this.random = options.random ?? Math.random;
  }

  get ipPrefix(): string {
    return `${this.keySpace.prefix}/ranges/serviceips/`;
  }

  get portPrefix(): string {
    return `${this.keySpace.prefix}/ranges/servicenodeports/`;
  }

  ipKey(ip: string): string {
    return `${this.ipPrefix}${ip}`;
  }

  portKey(port: number): string {
    return `${this.portPrefix}${port}`;
  }

  async planCreate(obj: KubeObject): Promise<CompanionPlan> {
    const svc = obj as Service;
    const claims: Claim[] = [];
    if (needsClusterIp(svc.spec)) claims.push(await this.claimIp(svc));
    if (needsNodePorts(svc.spec)) claims.push(...(await this.claimNodePorts(svc, new Set())));
    return { claims, releases: [] };
  }

  async planUpdate(next: KubeObject, current: KubeObject): Promise<CompanionPlan> {
    const [svc, old] = [next as Service, current as Service];
    const claims: Claim[] = [];
    const oldIp = this.heldIp(old);
    const newIp = needsClusterIp(svc.spec) ? svc.spec.clusterIP : undefined;
    if (needsClusterIp(svc.spec) && (!newIp || newIp !== oldIp)) claims.push(await this.claimIp(svc));
    const heldPorts = new Set(this.heldPorts(old));
    if (needsNodePorts(svc.spec)) claims.push(...(await this.claimNodePorts(svc, heldPorts)));
    const keptPorts = new Set(needsNodePorts(svc.spec) ? this.heldPorts(svc) : []);
    const releases = [...heldPorts].filter((p) => !keptPorts.has(p)).map((p) => this.portKey(p));
    const keptIp = needsClusterIp(svc.spec) ? svc.spec.clusterIP : undefined;
    if (oldIp && oldIp !== keptIp) releases.push(this.ipKey(oldIp));
    return { claims, releases };
  }

  planDelete(current: KubeObject): CompanionPlan {
    const svc = current as Service;
    const ip = this.heldIp(svc);
    const releases = this.heldPorts(svc).map((p) => this.portKey(p));
    if (ip) releases.push(this.ipKey(ip));
    return { claims: [], releases };
  }

  /** The in-range cluster IP a stored service holds, if any. */
  heldIp(svc: Service): string | undefined {
    const ip = svc.spec?.clusterIP;
    return ip && needsClusterIp(svc.spec ?? {}) && ordinalOf(this.ipRange, ip) !== undefined ? ip : undefined;
  }

  /** The in-range node ports a stored service holds (each once). */
  heldPorts(svc: Service): number[] {
    const ports = (svc.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p >= this.nodePorts.first && p <= this.nodePorts.last);
    return [...new Set(ports)];
  }

  record(svc: Service, name: string): AllocationRecord {
    const service = { namespace: svc.metadata.namespace ?? '', name: svc.metadata.name ?? '', uid: svc.metadata.uid };
    return { apiVersion: 'pikube.io/v1', kind: 'ServiceAllocation', metadata: { name }, service };
  }

  private async claimIp(svc: Service): Promise<Claim> {
    const requested = svc.spec.clusterIP;
    if (requested) return this.claimRequestedIp(svc, requested);
    const ip = await this.pickIp();
    svc.spec.clusterIP = ip;
    svc.spec.clusterIPs = [ip];
    return { key: this.ipKey(ip), object: this.record(svc, ip) };
  }

  private claimRequestedIp(svc: Service, ip: string): Claim {
    const field = child('spec', 'clusterIPs');
    const fail = (detail: string): StatusCause => invalidList(field, [ip], `failed to allocate IP ${ip}: ${detail}`);
    if (ordinalOf(this.ipRange, ip) === undefined) {
      const cause = fail(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.ipRange.cidr}`);
      throw invalid('Service', svc.metadata.name ?? '', [cause]);
    }
    return { key: this.ipKey(ip), object: this.record(svc, ip), requested: fail('provided IP is already allocated') };
  }

  private async pickIp(): Promise<string> {
    const taken = new Set((await this.takenNames(this.ipPrefix)).map((ip) => ordinalOf(this.ipRange, ip) ?? -1));
    let ordinal: number | undefined;
    for (const { first, last } of dynamicOrdinals(this.ipRange)) ordinal ??= pickFree(first, last, taken, this.random);
    if (ordinal === undefined) throw new ApiError('InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
    return ipAt(this.ipRange, ordinal);
  }

  /** Claims for node ports not already held (`held`): requested ones as asked, missing ones picked. */
  private async claimNodePorts(svc: Service, held: ReadonlySet<number>): Promise<Claim[]> {
    const claims = new Map<number, Claim>();
    const ports = svc.spec.ports ?? [];
    ports.forEach((port, i) => {
      if (port.nodePort && !held.has(port.nodePort) && !claims.has(port.nodePort)) claims.set(port.nodePort, this.claimRequestedPort(svc, port, i));
    });
    const missing = ports.filter((p) => !p.nodePort);
    if (missing.length > 0) await this.pickPorts(svc, missing, claims);
    return [...claims.values()];
  }

  private claimRequestedPort(svc: Service, port: ServicePort, i: number): Claim {
    const field = child(index(child('spec', 'ports'), i), 'nodePort');
    const value = port.nodePort ?? 0;
    if (value < this.nodePorts.first || value > this.nodePorts.last) {
      const detail = `provided port is not in the valid range. The range of valid ports is ${this.nodePorts.first}-${this.nodePorts.last}`;
      throw invalid('Service', svc.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${detail}` }]);
    }
    const requested: StatusCause = { reason: 'FieldValueInvalid', field, message: `Invalid value: ${value}: provided port is already allocated` };
    return { key: this.portKey(value), object: this.record(svc, String(value)), requested };
  }

  private async pickPorts(svc: Service, missing: ServicePort[], claims: Map<number, Claim>): Promise<void> {
    const taken = new Set((await this.takenNames(this.portPrefix)).map(Number));
    for (const p of svc.spec.ports ?? []) if (p.nodePort) taken.add(p.nodePort);
    for (const port of missing) {
      const value = pickFree(this.nodePorts.first, this.nodePorts.last, taken, this.random);
      if (value === undefined) throw new ApiError('InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
      taken.add(value);
      port.nodePort = value;
      claims.set(value, { key: this.portKey(value), object: this.record(svc, String(value)) });
    }
  }

  private async takenNames(prefix: string): Promise<string[]> {
    const list = await this.store.list<AllocationRecord>(prefix);
    return list.items.map((item) => item.metadata.name ?? '');
  }
}
