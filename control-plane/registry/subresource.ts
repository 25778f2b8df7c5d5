/**
 * The subresources of a kind (`pods/status`, `pods/binding`, `namespaces/finalize`...), each
 * an entry of its ResourceDefinition's table: what discovery lists, and how the registry
 * serves it. Six shapes: status, write, connect, scale, action (`pods/eviction`) and create
 * (`serviceaccounts/token`).
 */
import type { Status } from '../../api/meta';
import type { Scale } from '../../api/autoscaling-v1';
import type { KubeObject } from '../../api/meta';
import type { ServiceAccountTokenIssuer } from '../auth/service-account-token';
import type { Registry } from './registry';
import type { ResourceDefinition } from './resource-definition';
import type { StrategyContext } from './strategy';

interface DiscoveredAs {
  /** The kind discovery names; the parent's kind when unset. */
  readonly kind?: string;
  readonly verbs: readonly string[];
  /** Set when the subresource's kind lives in another group version (eviction → policy/v1). */
  readonly group?: string;
  readonly version?: string;
}

/** `…/status`: GET reads the object; PUT and PATCH change only its status (the strategy's prepareForStatusUpdate). */
export interface StatusSubresource extends DiscoveredAs {
  readonly type: 'status';
}

/**
 * A write to the stored parent computed from a body (`pods/binding`, `namespaces/finalize`),
 * in the parent's read-modify-write cycle. Strategies do not run on it: the subresource is
 * the whole rule.
 */
export interface ParentWriteSubresource<T extends KubeObject, B extends KubeObject = KubeObject> extends DiscoveredAs {
  readonly type: 'write';
  /** The kind the body decodes as (Binding); the parent's own kind when unset. */
  readonly body?: ResourceDefinition<B>;
  /** The answer is a Success Status rather than the parent object. */
  readonly answersStatus: boolean;
  /** A write that leaves a deleting parent with nothing pending removes it (finalize). */
  readonly finishesDeletion: boolean;
  /** Checks the body alone; throws Invalid. */
  validateBody(body: B): void;
  /** The parent's next state; `parent` is a private copy. Throws ApiErrors (Conflict) when the write may not happen. */
  apply(parent: T, body: B, ctx: StrategyContext): T;
}

/** A stream to a container or a pod's port through its node (`log`, `exec`, `attach`, `portforward`): the HTTP layer's connect handler `connect`. */
export interface ConnectSubresource extends DiscoveredAs {
  readonly type: 'connect';
  readonly connect: 'log' | 'exec' | 'attach' | 'portforward' | 'proxy';
}

/**
 * `…/scale` (Kubernetes' ScaleREST): GET reads the parent as an autoscaling/v1 Scale; PUT and
 * PATCH of that Scale change only the parent's desired replicas, through the parent's own
 * update rules (strategy, validation, generation). A Scale is never stored.
 */
export interface ScaleSubresource<T extends KubeObject = KubeObject> extends DiscoveredAs {
  readonly type: 'scale';
  /** The kind bodies decode as (autoscaling/v1 Scale). */
  readonly body: ResourceDefinition<Scale>;
  /** The parent as a Scale: its name, uid and resourceVersion, desired and current replicas, selector. */
  read(parent: T): Scale;
  /** The parent with `replicas` desired; `parent` is a private copy. */
  withReplicas(parent: T, replicas: number): T;
}

/** What an action is asked to do: the parent named by the URL, the decoded body, the request's dry run. */
export interface ActionRequest<B extends KubeObject> {
  namespace: string;
  name: string;
  body: B;
  dryRun: boolean;
  now: () => Date;
}

/**
 * A POST that acts through the registry and stores nothing of its body (`pods/eviction`): the
 * body decodes as its own kind; the answer is a Status whose code is the HTTP code.
 */
export interface ActionSubresource<B extends KubeObject = KubeObject> extends DiscoveredAs {
  readonly type: 'action';
  readonly body: ResourceDefinition<B>;
  perform(registry: Registry, request: ActionRequest<B>): Promise<Status>;
}

/** What a create subresource may use besides the registry: the control plane's token signer (absent: tokens are not served). */
export interface CreateRequest<B extends KubeObject> extends ActionRequest<B> {
  tokenIssuer?: ServiceAccountTokenIssuer;
}

/**
 * A POST whose answer is an object of the body's kind, made from the parent and never stored
 * (`serviceaccounts/{name}/token` answers a TokenRequest with its token): 201 with that object.
 */
export interface CreateSubresource<B extends KubeObject = KubeObject> extends DiscoveredAs {
  readonly type: 'create';
  readonly body: ResourceDefinition<B>;
  create(registry: Registry, request: CreateRequest<B>): Promise<B>;
}

export type Subresource<T extends KubeObject = KubeObject> =
  StatusSubresource | ParentWriteSubresource<T> | ConnectSubresource | ScaleSubresource<T> | ActionSubresource | CreateSubresource;

/** The status subresource as most kinds serve it. */
export const STATUS: StatusSubresource = { type: 'status', verbs: ['get', 'patch', 'update'] };

/** What discovery says of a subresource of `parent`. */
export function discoveredKind(parent: ResourceDefinition, subresource: Subresource): { kind: string; verbs: string[]; group?: string; version?: string } {
  const { kind = parent.kind, verbs, group, version } = subresource;
  return group === undefined ? { kind, verbs: [...verbs] } : { kind, verbs: [...verbs], group, version };
}
