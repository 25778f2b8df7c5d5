/**
 * A real API server on a real etcd with controllers running over it, for integration tests
 * that drive a kind through the real kubectl. `withApiAndControllers` registers the mocha hooks
 * of the enclosing describe: etcd, then the API server, then (after `seed`) the controllers.
 * At the end etcd's hook runs first (as in the suites this replaced), then the controllers stop,
 * then the API server.
 *
 *   describe('Jobs through the real kubectl', () => {
 *     const fixture = withApiAndControllers([jobController, garbageCollectorController]);
 *     it('…', async () => {
 *       const { api, kubectl, ok } = fixture.get();
 *       assert.equal((await kubectl(['get', 'jobs'])).code, 0);
 *     });
 *   });
 *
 * Hooks run in the order they are registered: a suite whose own stand-in (a fake kubelet) must
 * stop before the controllers registers its `after` before calling this.
 */
import { strict as assert } from 'node:assert';
import type { Controller } from '../../control-plane/controllers/framework/define-controller';
import type { CommandResult } from '../../scripts/cluster/run-command';
import { startApiServerFixture, type ApiServerFixture, type ApiServerFixtureOptions } from './api-server-fixture';
import { ControllerHarness } from './controller-harness';
import { withEtcd } from './etcd-fixture';

/** A kubectl run: its result and `out`, stdout and stderr together, trimmed (what a user reads). */
export type KubectlRun = CommandResult & { out: string };

export interface ApiAndControllers {
  api: ApiServerFixture;
  harness: ControllerHarness;
  /** The real kubectl against `api`; never throws on a non-zero exit. */
  kubectl(args: string[], input?: string, timeoutMs?: number): Promise<KubectlRun>;
  /** kubectl that must exit 0 (asserted, with its output in the message); returns its stdout. */
  ok(args: string[], input?: string): Promise<string>;
}

export interface ApiAndControllersOptions {
  /** Options of the API server fixture (e.g. the kinds served). */
  api?: ApiServerFixtureOptions;
  /** Runs once the API server is up, before the controllers start (e.g. objects they must find). */
  seed?: (api: ApiServerFixture) => Promise<void>;
  /** kubectl's deadline when a call names none. Default 20 s. */
  kubectlTimeoutMs?: number;
}

export function withApiAndControllers(controllers: Controller[], options: ApiAndControllersOptions = {}): { get(): ApiAndControllers } {
  const etcd = withEtcd();
  let fixture: ApiAndControllers | undefined;
  let api: ApiServerFixture | undefined;
  let harness: ControllerHarness | undefined;
  before(async () => {
    api = await startApiServerFixture(etcd.get(), options.api);
    await options.seed?.(api);
    harness = new ControllerHarness({ store: api.store, keySpace: api.keySpace, registry: api.registry }).run(...controllers);
    fixture = fixtureOf(api, harness, options.kubectlTimeoutMs ?? 20_000);
  });
  after(async () => {
    await harness?.stop();
    await api?.stop();
  });
  return {
    get(): ApiAndControllers {
      if (!fixture) throw new Error('API and controllers fixture used outside a test (before() has not run)');
      return fixture;
    },
  };
}

function fixtureOf(api: ApiServerFixture, harness: ControllerHarness, defaultTimeoutMs: number): ApiAndControllers {
  const kubectl = async (args: string[], input?: string, timeoutMs = defaultTimeoutMs): Promise<KubectlRun> => {
    const result = await api.kubectl(args, { input, timeoutMs });
    return { ...result, out: (result.stdout + result.stderr).trim() };
  };
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.out}`);
    return r.stdout;
  };
  return { api, harness, kubectl, ok };
}
