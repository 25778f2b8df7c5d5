/**
 * A hand-written in-memory ContainerRuntime for tests of the pod logic (STYLE rule 10).
 * Containers move created → running → exited like Docker's; tests make them exit with
 * `exit(id, code)`. Pulls fail unless the image is in `pullable`. Stop honours the signal:
 * a container listed in `ignoresTerm` only dies at the kill.
 */
import {
  ImagePullError, NameConflictError, type RegistryAuth,
  type ContainerDetails, type ContainerEvent, type ContainerRuntime, type ContainerSpec,
  type ContainerSummary, type ExecOptions, type ExecResult, type ImageDetails, type StopOptions,
} from '../../../../agent/runtime/container-runtime';

export interface FakeContainer {
  spec: ContainerSpec;
  details: ContainerDetails;
}

export class FakeContainerRuntime implements ContainerRuntime {
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Map<string, ImageDetails>();
  /** Images a pull would fetch; every other pull fails. */
  readonly pullable = new Set<string>();
  /** Pullable images that need these credentials (`user:password`). */
  readonly privateImages = new Map<string, string>();
  readonly ignoresTerm = new Set<string>();
  /** Stops of these containers wait for the promise first (a slow grace period). */
  readonly holdStop = new Map<string, Promise<void>>();
  readonly calls: string[] = [];
  /** Answers `exec` (hooks); default: exit 0, no output. */
  execHandler: (container: FakeContainer, command: string[], opts: ExecOptions) => ExecResult | Promise<ExecResult> = () => ({ exitCode: 0, output: '' });
  pulls = 0;
  lists = 0;
  inspects = 0;
  private nextId = 1;
  private nextIp = 2;
  private readonly listeners = new Set<(e: ContainerEvent) => void>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  addImage(ref: string, stopSignal?: string): void {
    this.images.set(ref, { id: `sha256:${ref.replace(/[^a-z0-9]/g, '')}`, repoDigests: [], stopSignal });
  }

  running(): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.details.running);
  }

  byName(prefix: string): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.spec.name.startsWith(prefix));
  }

  /** The container's process ends with `code`. */
  exit(id: string, code: number, oomKilled = false): void {
    this.exitSilently(id, code, oomKilled);
    this.emit(this.must(id), 'die');
  }

  /** An exit whose `die` event was lost (the event stream was down): only a listing shows it. */
  exitSilently(id: string, code: number, oomKilled = false): void {
    const c = this.must(id);
    Object.assign(c.details, { running: false, status: 'exited', exitCode: code, oomKilled, finishedAt: new Date(this.now()).toISOString() });
  }

  async inspectImage(ref: string, signal: AbortSignal): Promise<ImageDetails | undefined> {
    signal.throwIfAborted();
    return this.images.get(ref) ?? [...this.images.values()].find((i) => i.id === ref);
  }

  async pullImage(ref: string, signal: AbortSignal, auth?: RegistryAuth): Promise<void> {
    signal.throwIfAborted();
    this.pulls++;
    this.calls.push(auth ? `pull ${ref} as ${auth.username}` : `pull ${ref}`);
    if (!this.pullable.has(ref)) throw new ImagePullError(`no route to registry for ${ref}`);
    const wanted = this.privateImages.get(ref);
    if (wanted !== undefined && !auth) throw new ImagePullError('no basic auth credentials');
    if (wanted !== undefined && wanted !== `${auth?.username}:${auth?.password}`) throw new ImagePullError(`unauthorized for ${auth?.username}`);
    this.addImage(ref);
  }

  async createContainer(spec: ContainerSpec, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    if ([...this.containers.values()].some((c) => c.spec.name === spec.name)) throw new NameConflictError(`name ${spec.name} in use`);
    const image = this.images.get(spec.image);
    if (!image) throw new Error(`No such image: ${spec.image}`);
    const id = `c${String(this.nextId++).padStart(3, '0')}`;
    this.calls.push(`create ${spec.name}`);
    const details: ContainerDetails = {
      id, name: spec.name, labels: { ...spec.labels }, status: 'created', image: spec.image, imageId: image.id,
      running: false, exitCode: 0, oomKilled: false, stopSignal: image.stopSignal ?? 'SIGTERM',
    };
    this.containers.set(id, { spec: structuredClone(spec), details });
    return id;
  }

  async startContainer(id: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const c = this.must(id);
    this.calls.push(`start ${c.spec.name}`);
    // An address on Docker's default bridge or a named network; none when joining another container's namespace or the host's.
    const mode = c.spec.networkMode;
    const ip = mode === 'host' || mode?.startsWith('container:') ? undefined : `10.42.0.${this.nextIp++}`;
    Object.assign(c.details, { running: true, status: 'running', startedAt: new Date(this.now()).toISOString(), ipAddress: ip });
    this.emit(c, 'start');
  }

  async stopContainer(id: string, opts: StopOptions, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const c = this.containers.get(id);
    if (!c?.details.running) return;
    this.calls.push(`stop ${c.spec.name} ${opts.signal} ${opts.timeoutSeconds}`);
    await this.holdStop.get(id);
    if (!c.details.running) return;
    const killed = opts.signal === 'SIGKILL' || opts.timeoutSeconds === 0 || this.ignoresTerm.has(id);
    this.exit(id, killed ? 137 : 143);
  }

  async removeContainer(id: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const c = this.containers.get(id);
    if (!c) return;
    if (c.details.running) throw new Error(`cannot remove running container ${id}`);
    this.calls.push(`remove ${c.spec.name}`);
    this.containers.delete(id);
    this.emit(c, 'destroy');
  }

  async listContainers(labels: string[], signal: AbortSignal): Promise<ContainerSummary[]> {
    signal.throwIfAborted();
    this.lists++;
    const matches = (l: Record<string, string>): boolean => labels.every((f) => {
      const [k, v] = f.split('=');
      return v === undefined ? k in l : l[k] === v;
    });
    return [...this.containers.values()].filter((c) => matches(c.details.labels))
      .map((c) => ({ id: c.details.id, name: c.details.name, labels: { ...c.details.labels }, status: c.details.status }));
  }

  async inspectContainer(id: string, signal: AbortSignal): Promise<ContainerDetails | undefined> {
    signal.throwIfAborted();
    this.inspects++;
    const c = this.containers.get(id);
    return c ? structuredClone(c.details) : undefined;
  }

  watchEvents(_labels: string[], onEvent: (event: ContainerEvent) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    this.listeners.add(onEvent);
    return new Promise((resolve) => signal.addEventListener('abort', () => {
      this.listeners.delete(onEvent);
      resolve();
    }, { once: true }));
  }

  async exec(containerId: string, command: string[], opts: ExecOptions): Promise<ExecResult> {
    opts.signal.throwIfAborted();
    const c = this.must(containerId);
    if (!c.details.running) throw new Error(`container ${containerId} is not running`);
    this.calls.push(`exec ${c.spec.name} ${command.join(' ')}`);
    return this.execHandler(c, command, opts);
  }

  private emit(c: FakeContainer, action: string): void {
    for (const l of this.listeners) l({ containerId: c.details.id, action, labels: c.details.labels });
  }

  private must(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no container ${id}`);
    return c;
  }
}
