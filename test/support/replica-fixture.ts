/**
 * Control-plane replicas as real `pikube-server serve` processes on one etcd, for tests that
 * SIGKILL the leader in the middle of something (`withControlPlaneReplicas` registers the
 * mocha hooks: etcd, a PKI and an admin certificate in a temporary directory, every replica
 * stopped and the directory removed at the end).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../control-plane/auth/cluster-pki';
import type { KeyPair } from '../../control-plane/auth/pki';
import { writeKubeconfig } from '../../control-plane/auth/kubeconfig';
import { httpsRequest, type RequestOptions } from './api-server-fixture';
import { startControlPlaneReplica, type ControlPlaneReplica } from './control-plane-process';
import { withEtcd, type EtcdFixture } from './etcd-fixture';

/** The election's lease TTL (control-plane.ts): how long a SIGKILLed leader's key outlives it. */
export const LEASE_TTL_MS = 10_000;
const LEADER = /is now the leader/;

export interface ReplicaFixture {
  readonly etcd: EtcdFixture;
  /** Starts one more replica on the shared etcd, key prefix and PKI. */
  start(): Promise<ControlPlaneReplica>;
  /** Starts a replica and waits until it leads (the first one, or one started alone). */
  startLeader(): Promise<ControlPlaneReplica>;
  /** An API call as the admin through `on`; a status of 300 or more throws with the answer. */
  call<T>(on: ControlPlaneReplica, method: string, path: string, options?: RequestOptions): Promise<T>;
  /** The replicas not killed, oldest first. */
  alive(): ControlPlaneReplica[];
  /** The replicas' PKI (the cluster CA signs node certificates for agents). */
  readonly pki: ClusterPki;
  /** A kubeconfig file naming `on`'s API, with the admin's certificate, for the real kubectl. */
  kubeconfig(on: ControlPlaneReplica): string;
  /** SIGKILLs `replica` (it counts as killed from then on). */
  kill(replica: ControlPlaneReplica): Promise<void>;
  /** Waits until `replica` leads, allowing for the dead leader's lease to run out. */
  waitToLead(replica: ControlPlaneReplica): Promise<void>;
}

export function withControlPlaneReplicas(name: string): { get(): ReplicaFixture } {
  let fixture: ReplicaFixture | undefined;
  let dir: string | undefined;
  const replicas: ControlPlaneReplica[] = [];
  const killed = new Set<ControlPlaneReplica>();
  // Hooks run in the order they are registered: the replicas stop before etcd does.
  after(async function () {
    this.timeout(30_000);
    await Promise.all(replicas.map((r) => r.process.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const etcd = withEtcd();

  before(function () {
    dir = mkdtempSync(path.join(os.tmpdir(), `pikube-${name}-`));
    const dataDir = dir;
    const pki: ClusterPki = loadOrCreateClusterPki(dataDir, '127.0.0.1');
    const admin: KeyPair = issueAdminCertificate(pki.ca);
    const prefix = etcd.get().keySpace().prefix;
    const start = async (): Promise<ControlPlaneReplica> => {
      const replica = await startControlPlaneReplica({ dataDir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: prefix });
      replicas.push(replica);
      return replica;
    };
    fixture = {
      etcd: etcd.get(),
      start,
      startLeader: async () => {
        const replica = await start();
        await replica.process.waitForLog(LEADER, LEASE_TTL_MS + 20_000);
        return replica;
      },
      call: async <T>(on: ControlPlaneReplica, method: string, p: string, options: RequestOptions = {}): Promise<T> => {
        const res = await httpsRequest(on.apiPort, pki, admin, method, p, { timeoutMs: 5_000, ...options });
        if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${res.text}`);
        return res.json<T>();
      },
      alive: () => replicas.filter((r) => !killed.has(r)),
      pki,
      kubeconfig: (on) => {
        const file = path.join(dataDir, `kubeconfig-${on.apiPort}`);
        writeKubeconfig(file, { server: `https://127.0.0.1:${on.apiPort}`, caCertPem: pki.ca.certPem, client: admin });
        return file;
      },
      kill: async (replica) => {
        killed.add(replica);
        await replica.process.kill('SIGKILL');
      },
      waitToLead: async (replica) => {
        await replica.process.waitForLog(LEADER, LEASE_TTL_MS + 10_000);
      },
    };
  });

  return {
    get(): ReplicaFixture {
      if (!fixture) throw new Error('replica fixture used outside a test (before() has not run)');
      return fixture;
    },
  };
}
