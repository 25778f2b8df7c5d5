/**
 * A real etcd for integration tests: started on free loopback ports in a temporary directory,
 * stopped and removed afterwards. Every store and raw client made through the fixture is
 * closed by `stop()`, so a suite leaves no open handles.
 *
 *   describe('thing', () => {
 *     const etcd = withEtcd();                    // mocha before/after in this describe
 *     it('…', async () => {
 *       const store = etcd.get().store();          // an EtcdStore, closed by the fixture
 *       const space = etcd.get().keySpace();       // a fresh key prefix for this test
 *     });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Etcd3 } from 'etcd3';
import { EtcdStore, type EtcdStoreOptions } from '../../control-plane/store/etcd-store';
import type { KeySpace } from '../../control-plane/store/keys';
import { startEtcd, stopEtcd, type EtcdOptions, type EtcdServer } from '../../scripts/cluster/etcd-server';

export interface EtcdFixture {
  endpoint: string;
  /** The running etcd process (a new one after `restart()`). */
  readonly server: EtcdServer;
  /** A new store on this etcd; closed by `stop()`. */
  store(options?: Partial<EtcdStoreOptions>): EtcdStore;
  /** A raw etcd3 client (for what the Store does not offer, e.g. compaction); closed by `stop()`. */
  client(): Etcd3;
  /** A key space no other test uses: `/t-<random>/registry`. */
  keySpace(): KeySpace;
  /** Stops etcd and starts it again on the same ports and data: a crash and a reboot. */
  restart(): Promise<void>;
  /** Stops etcd and leaves it stopped (an outage); `startAgain()` ends it. */
  stopEtcd(): Promise<void>;
  /** Starts etcd again on the same ports and data after `stopEtcd()`; does nothing while it runs. */
  startAgain(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an etcd of its own; the caller must `stop()` it. */
export async function startEtcdFixture(): Promise<EtcdFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-etcd-'));
  try {
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    const options: EtcdOptions = { dataDir: path.join(dir, 'data'), clientPort, peerPort, logFile: path.join(dir, 'etcd.log') };
    return fixtureFor(await startEtcd(options), options, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Registers mocha `before`/`after` hooks that start and stop one etcd for the enclosing describe. */
export function withEtcd(): { get(): EtcdFixture } {
  let fixture: EtcdFixture | undefined;
  before(async function () {
    this.timeout(30_000);
    fixture = await startEtcdFixture();
  });
  after(async function () {
    this.timeout(30_000);
    await fixture?.stop();
  });
  return {
    get(): EtcdFixture {
      if (!fixture) throw new Error('etcd fixture used outside a test (before() has not run)');
      return fixture;
    },
  };
}

function fixtureFor(first: EtcdServer, options: EtcdOptions, dir: string): EtcdFixture {
  let server = first;
  let down = false;
  const stores: EtcdStore[] = [];
  const clients: Etcd3[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = async (): Promise<void> => {
    await Promise.all(stores.map((s) => s.close()));
    for (const c of clients) c.close();
    if (!down) await stopEtcd(server);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    endpoint: server.endpoint,
    get server() {
      return server;
    },
    store: (storeOptions = {}) => remember(stores, new EtcdStore({ endpoints: [server.endpoint], ...storeOptions })),
    client: () => remember(clients, new Etcd3({ hosts: server.endpoint })),
    keySpace: () => ({ prefix: `/t-${randomBytes(6).toString('hex')}/registry` }),
    async restart() {
      await stopEtcd(server);
      server = await startEtcd(options);
      down = false;
    },
    async stopEtcd() {
      down = true;
      await stopEtcd(server);
    },
    async startAgain() {
      if (!down) return;
      server = await startEtcd(options);
      down = false;
    },
    /** Idempotent. */
    stop: () => (stopping ??= stopAll()),
  };
}

function remember<V>(list: V[], value: V): V {
  list.push(value);
  return value;
}

/** A loopback port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
