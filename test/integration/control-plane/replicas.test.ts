/**
 * Two control-plane processes on one etcd (DESIGN.md "Failover"): an agent connected to the
 * follower keeps its node Ready, because the follower records the session under its own lease
 * and the leader's node lifecycle controller reads the records; the node turns Unknown within
 * the grace period (+1 s) of the agent dying; a SIGKILLed leader's controllers move to the
 * other replica within the lease TTL. An idle cluster writes nothing to etcd. An agent told
 * of one replica learns the others from its Welcome and reconnects to one when its own dies.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node } from '../../../api/core-v1';
import { issueAdminCertificate, loadOrCreateClusterPki, type ClusterPki } from '../../../control-plane/auth/cluster-pki';
import { issueNodeCertificate } from '../../../control-plane/auth/node-certificate';
import type { KeyPair } from '../../../control-plane/auth/pki';
import { until } from '../../../scripts/cluster/wait-until';
import { startAgentSessionProcess, type AgentSessionProcess } from '../../support/agent-session-process';
import { httpsRequest } from '../../support/api-server-fixture';
import { startControlPlaneReplica, type ControlPlaneReplica } from '../../support/control-plane-process';
import { withEtcd } from '../../support/etcd-fixture';

const GRACE_MS = 2_000;
/** The election's lease TTL (control-plane.ts): a SIGKILLed leader's key lasts this long. */
const LEASE_TTL_MS = 10_000;
const NODE = 'pi-1';

interface Replica extends ControlPlaneReplica {
  name: string;
}

describe('control plane: two replicas on one etcd share node liveness', function () {
  this.timeout(120_000);
  const etcd = withEtcd();
  let dir: string;
  let pki: ClusterPki;
  let admin: KeyPair;
  let prefix: string;
  const replicas: Replica[] = [];
  const agents: AgentSessionProcess[] = [];

  async function startReplica(name: string): Promise<Replica> {
    const flags = { 'node-monitor-grace-period': `${GRACE_MS / 1000}s` };
    const replica = { name, ...(await startControlPlaneReplica({ dataDir: dir, etcdEndpoint: etcd.get().endpoint, etcdPrefix: prefix, flags })) };
    replicas.push(replica);
    return replica;
  }

  function startAgent(on: Replica): AgentSessionProcess {
    const cert = issueNodeCertificate(pki.ca, NODE);
    const agent = startAgentSessionProcess({ nodeName: NODE, server: `127.0.0.1:${on.nodePort}`, caCertPem: pki.ca.certPem, certPem: cert.certPem, keyPem: cert.keyPem });
    agents.push(agent);
    return agent;
  }

  async function get(on: Replica, p: string): Promise<{ status: number; body: unknown }> {
    const res = await httpsRequest(on.apiPort, pki, admin, 'GET', p, { timeoutMs: 5_000 });
    return { status: res.status, body: res.status === 200 ? res.json() : res.text };
  }

  async function readyOf(on: Replica): Promise<string | undefined> {
    const res = await get(on, `/api/v1/nodes/${NODE}`);
    return (res.body as Node).status?.conditions?.find((c) => c.type === 'Ready')?.status;
  }

  const describeState = (on: Replica) => async (): Promise<string> =>
    `Ready=${await readyOf(on).catch((e: Error) => e.message)}; ${replicas.map((r) => `${r.name}: ${r.process.logs.slice(-6).join(' | ')}`).join('\n')}`;

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-replicas-'));
    prefix = etcd.get().keySpace().prefix;
    pki = loadOrCreateClusterPki(dir, '127.0.0.1'); // both replicas serve with this PKI
    admin = issueAdminCertificate(pki.ca);
    const leader = await startReplica('a');
    await leader.process.waitForLog(/is now the leader/, 20_000);
    await startReplica('b');
  });

  after(async function () {
    this.timeout(30_000);
    await Promise.all(agents.map((a) => a.kill()));
    await Promise.all(replicas.map((r) => r.process.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a node Ready whose agent is connected to the follower, and writes nothing to etcd while idle', async () => {
    const [a, b] = replicas;
    startAgent(b);
    await until(async () => (await readyOf(a)) === 'True', { timeoutMs: 15_000, describe: describeState(a) });
    // Settled: the Hello's writes and the controllers' reactions are done well within a grace period.
    await sleep(GRACE_MS);
    const store = etcd.get().store();
    const before = await store.currentRevision();
    await sleep(3 * GRACE_MS); // the leader alone would have made the node Unknown after one grace period
    const after = await store.currentRevision();
    assert.equal(await readyOf(a), 'True', await describeState(a)());
    const node = (await get(a, `/api/v1/nodes/${NODE}`)).body as Node;
    assert.equal(node.spec.taints, undefined, JSON.stringify(node.spec.taints));
    assert.equal(after, before, `etcd revision moved from ${before} to ${after} while the cluster was idle`);
    assert.ok(a.process.logs.every((l) => !/is unreachable/.test(l)), a.process.logs.join('\n'));
  });

  it('turns the node Unknown within the grace period + 1 s of its agent dying on the follower', async () => {
    const [a] = replicas;
    const killedAt = Date.now();
    await agents[0].kill();
    await until(async () => (await readyOf(a)) === 'Unknown', { timeoutMs: GRACE_MS + 5_000, intervalMs: 50, describe: describeState(a) });
    const tookMs = Date.now() - killedAt;
    console.log(`      Ready=Unknown ${tookMs} ms after the agent was killed (grace ${GRACE_MS} ms)`);
    assert.ok(tookMs <= GRACE_MS + 1_000, `took ${tookMs} ms`);
  });

  it('moves the controllers to the other replica within the lease TTL when the leader is SIGKILLed; the node stays Ready there', async () => {
    const [a, b] = replicas;
    startAgent(b);
    await until(async () => (await readyOf(b)) === 'True', { timeoutMs: 15_000, describe: describeState(b) });
    const killedAt = Date.now();
    await a.process.kill('SIGKILL');
    const ledAt = await b.process.waitForLog(/is now the leader/, LEASE_TTL_MS + 10_000);
    console.log(`      the follower leads ${ledAt - killedAt} ms after the leader was killed (lease TTL ${LEASE_TTL_MS} ms)`);
    assert.ok(ledAt - killedAt <= LEASE_TTL_MS + 2_000, `took ${ledAt - killedAt} ms`);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'after-failover' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } };
    const created = await httpsRequest(b.apiPort, pki, admin, 'POST', '/api/v1/namespaces/default/services', { body: service, timeoutMs: 5_000 });
    assert.equal(created.status, 201, created.text);
    await until(async () => (await get(b, '/api/v1/namespaces/default/endpoints/after-failover')).status === 200, { timeoutMs: 10_000, describe: describeState(b) });
    console.log(`      a new Service has its Endpoints ${Date.now() - killedAt} ms after the leader was killed`);
    await sleep(2 * GRACE_MS); // the new leader's node lifecycle controller has run past a grace period
    assert.equal(await readyOf(b), 'True', await describeState(b)());
  });

  it('tells an agent configured with one replica about the others, and it reconnects to one of them when its replica is SIGKILLed', async () => {
    const [, b] = replicas;
    const c = await startReplica('c');
    await Promise.all(agents.map((a) => a.kill()));
    // c records its node-service address under its lease once it listens; b's Welcome names what b has seen.
    const recorded = async (): Promise<string> => JSON.stringify((await etcd.get().store().list(`${prefix}/control-plane-replicas/`)).items);
    await until(async () => (await recorded()).includes(`:${c.nodePort}"`), { timeoutMs: 5_000, describe: recorded });
    await sleep(200); // b's informer follows the record's watch event
    const established = (r: Replica): number => r.process.logs.filter((l) => /node "pi-1" .*session established/.test(l)).length;
    const before = established(b);
    startAgent(b); // configured with b's address only
    await until(() => established(b) > before, { timeoutMs: 15_000, describe: describeState(b) });
    const killedAt = Date.now();
    await b.process.kill('SIGKILL');
    const reconnectedAt = await c.process.waitForLog(/node "pi-1" .*session established/, 10_000);
    console.log(`      the agent's session is back on the third replica ${reconnectedAt - killedAt} ms after its replica was killed`);
    await c.process.waitForLog(/is now the leader/, LEASE_TTL_MS + 10_000);
    await sleep(2 * GRACE_MS); // past a grace period of c's leadership: the node was never silent
    assert.equal(await readyOf(c), 'True', await describeState(c)());
  });
});
