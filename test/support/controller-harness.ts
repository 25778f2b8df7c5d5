/**
 * Runs controllers the way the leader does (shared informers from one factory, the Registry as
 * their API client, event recorders per component) over any Store: the in-memory one in unit
 * tests, a real etcd in integration tests. `stop()` ends the controllers and the informers.
 */
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { EventRecorder } from '../../control-plane/registry/event-recorder';
import { Registry } from '../../control-plane/registry/registry';
import type { EventSink } from '../../control-plane/controllers/framework/api-client';
import type { Controller, ControllerContext } from '../../control-plane/controllers/framework/define-controller';
import { InformerFactory } from '../../control-plane/controllers/framework/informer-factory';
import type { NodeReachability } from '../../control-plane/nodes/node-reachability';
import { NodeLiveness } from '../../control-plane/nodes/node-liveness';
import type { KeySpace } from '../../control-plane/store/keys';
import type { Store } from '../../control-plane/store/store';

export interface HarnessOptions {
  store: Store;
  keySpace?: KeySpace;
  /** Default: a Registry over `store`. */
  registry?: Registry;
  clock?: Clock;
  /** Default: a NodeLiveness that has heard from no node. */
  liveness?: NodeReachability;
  log?: (message: string) => void;
  /** Default: one EventRecorder per component, over the registry. */
  events?: (component: string) => EventSink;
}

export class ControllerHarness {
  readonly registry: Registry;
  readonly informers: InformerFactory;
  readonly ctx: ControllerContext;
  readonly logs: string[] = [];
  private readonly stopper = new AbortController();
  private readonly running: Promise<void>[] = [];

  constructor(opts: HarnessOptions) {
    const keySpace = opts.keySpace ?? { prefix: '/registry' };
    this.registry = opts.registry ?? new Registry({ store: opts.store, keySpace });
    const log = opts.log ?? ((m: string) => void this.logs.push(m));
    const registry = this.registry;
    this.informers = new InformerFactory({ store: opts.store, keySpace, resolve: (r) => registry.info(r), informer: { log } });
    const recorders = new Map<string, EventSink>();
    const events = (component: string): EventSink => {
      const recorder = recorders.get(component) ?? new EventRecorder({ registry, source: { component }, log });
      recorders.set(component, recorder);
      return recorder;
    };
    this.ctx = { client: registry, informers: this.informers, clock: opts.clock ?? systemClock, events: opts.events ?? events, liveness: opts.liveness ?? new NodeLiveness({ clock: opts.clock }), log };
  }

  /** Starts the controllers (and the informers they ask for). */
  run(...controllers: Controller[]): this {
    for (const c of controllers) this.running.push(c.run(this.ctx, this.stopper.signal));
    this.informers.start();
    return this;
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.running);
    this.informers.dispose();
  }
}
