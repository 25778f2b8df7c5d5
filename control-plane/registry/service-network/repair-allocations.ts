/**
 * Reconciles the allocation keys with the Services that exist, as Kubernetes' repair
 * controllers for service IPs and node ports do at start: a Service holding a value without its
 * key gets the key; a key no Service holds is deleted. Safe on every replica at once and while
 * Services are written: keys are listed before Services (a Service and its keys are written in
 * one transaction, so a listed key whose Service is missing was released or orphaned), and
 * orphaned keys are deleted only if unchanged since listed.
 */
import type { Service } from '../../../api/service-v1';
import { isApiError } from '../../../api/errors';
import { resourcePrefix, type KeySpace } from '../../store/keys';
import type { Store } from '../../store/store';
import { SERVICES } from '../kinds';
import type { AllocationRecord, ServiceAllocations } from './service-allocations';

export interface RepairReport {
  created: string[];
  deleted: string[];
  /** Values two Services claim: left to the one holding the key. */
  conflicts: string[];
}

export async function repairServiceAllocations(store: Store, keySpace: KeySpace, allocations: ServiceAllocations): Promise<RepairReport> {
  const held = [...(await store.list<AllocationRecord>(allocations.ipPrefix)).items, ...(await store.list<AllocationRecord>(allocations.portPrefix)).items];
  const services = (await store.list<Service>(resourcePrefix(keySpace, SERVICES))).items;
  const wanted = wantedKeys(services, allocations);
  const report: RepairReport = { created: [], deleted: [], conflicts: [] };
  const heldKeys = new Map(held.map((r) => [keyOf(r, allocations), r]));
  for (const [key, svc] of wanted) if (!heldKeys.has(key)) await createMissing(store, key, svc, allocations, report);
  for (const [key, record] of heldKeys) if (!wanted.has(key)) await deleteOrphan(store, key, record, report);
  return report;
}

/** Every allocation key some Service holds; a value two Services hold is a conflict, first one wins. */
function wantedKeys(services: Service[], allocations: ServiceAllocations): Map<string, Service> {
  const wanted = new Map<string, Service>();
  for (const svc of services) {
    const ip = allocations.heldIp(svc);
    const keys = allocations.heldPorts(svc).map((p) => allocations.portKey(p));
    if (ip) keys.push(allocations.ipKey(ip));
    for (const key of keys) if (!wanted.has(key)) wanted.set(key, svc);
  }
  return wanted;
}

function keyOf(record: AllocationRecord, allocations: ServiceAllocations): string {
  const name = record.metadata.name ?? '';
  return name.includes('.') ? allocations.ipKey(name) : allocations.portKey(Number(name));
}

async function createMissing(store: Store, key: string, svc: Service, allocations: ServiceAllocations, report: RepairReport): Promise<void> {
  try {
    await store.create(key, allocations.record(svc, key.slice(key.lastIndexOf('/') + 1)));
    report.created.push(key);
  } catch (err: unknown) {
    if (!isApiError(err, 'AlreadyExists')) throw err;
  }
}

async function deleteOrphan(store: Store, key: string, record: AllocationRecord, report: RepairReport): Promise<void> {
  const result = await store.delete(key, Number(record.metadata.resourceVersion));
  if (result.ok) report.deleted.push(key);
}
