/**
 * One kind, defined once (STYLE.md 10b): its names and scope, its strategy (defaulting,
 * validation, status reset, deletion), its table printer, its selectable fields, its schema
 * (what the typed decoder, OpenAPI, strategic merge and protobuf read), its write companion
 * and its subresources. Each kind is one `kinds/<kind>.ts`; `kinds.ts` lists them, and routing,
 * discovery, OpenAPI, storage, validation, Table output and field selectors all read the
 * definitions: nothing else in the code switches on a kind's name.
 */
import { metadataFieldGetters, selectableFields, type SelectableFields } from '../../api/field-selector';
import type { JSONSchemaProps } from '../../api/apiextensions-v1';
import type { KubeObject } from '../../api/meta';
import type { ImagePolicy } from '../../api/image-policy';
import type { ApiDefinition } from '../apiserver/schema/api-definition';
import { K8S_KINDS } from '../apiserver/schema/k8s-definitions';
import { defaultPrinter } from '../apiserver/tables/default-printer';
import type { Printer } from '../apiserver/tables/table';
import type { Requester } from '../auth/requester';
import { apiVersionOf, type ResourceInfo } from './resource-info';
import type { ResourceStrategy } from './strategy';
import type { Subresource } from './subresource';
import type { CompanionFactory, WriteCompanion } from './write-companion';

/** Where a kind's field model is. */
export interface KindSchema {
  /**
   * The kind's definition: 'io.k8s.api.core.v1.Pod'. A kind outside the built-in model names
   * its own as OpenAPI names it: the group reversed, the version, the kind ('dev.pikube.example.v1.Widget').
   */
  readonly definition: string;
  /** Definitions the kind brings itself; the built-in field model (k8s-definitions.ts) is searched after them. */
  readonly definitions?: Readonly<Record<string, ApiDefinition>>;
  /** A Kubernetes built-in kind: served as protobuf and patched by strategic merge. Other kinds are neither, as custom resources. */
  readonly builtIn: boolean;
  /**
   * A custom resource's schema (its CRD version's openAPIV3Schema): bodies are pruned and
   * defaulted by it (custom-schema-pruning.ts) instead of type-decoded, and it is what OpenAPI
   * publishes; wrong types are the strategy's 422, as the apiextensions-apiserver answers.
   */
  readonly custom?: JSONSchemaProps;
}

export interface ResourceDefinition<T extends KubeObject = KubeObject, C extends WriteCompanion = WriteCompanion> extends ResourceInfo {
  readonly strategy: ResourceStrategy<T>;
  /** The columns of `kubectl get`. */
  readonly printer: Printer;
  /** What `?fieldSelector=` may use. */
  readonly fields: SelectableFields<T>;
  /** The field model bodies are decoded by; none: checked at the top level only. */
  readonly schema?: KindSchema;
  /** Keys written with each object in its transaction (a Service's cluster IP and node ports). */
  readonly companion?: CompanionFactory<C>;
  /** By name, as in the URL: `status`, `binding`... */
  readonly subresources: Readonly<Record<string, Subresource<T>>>;
  /**
   * Set for a kind that is never stored: a create is a write to this subresource of another
   * kind, named as `resolveResource` reads names (`POST …/bindings` binds a pod).
   */
  readonly createsThrough?: { readonly resource: string; readonly subresource: string };
  /**
   * Checks an object a request is about to store (after defaulting and validation) against
   * who sent it; throws Forbidden to refuse (RBAC's escalation prevention). `current` is the
   * stored object for an update. Writes by the control plane itself are not checked.
   */
  requesterCheck?(requester: Requester, next: T, current: T | undefined): void;
  /**
   * Fields a create through the API takes from its requester, whatever the body says (a
   * CertificateSigningRequest's spec.username, uid and groups): set on the object about to be
   * stored, by the same `admit` hook as requesterCheck, so every way of creating (POST, PUT,
   * server-side apply) passes here. Writes by the control plane itself do not.
   */
  fromRequester?(obj: T, requester: Requester): void;
  /**
   * Set for a kind read from the control plane's memory, never stored (live-objects.ts): get
   * and list answer from the source the control plane registered (none: nothing to list).
   */
  readonly live?: true;
  /** Sent as a `Warning` header with every request on the kind (a deprecated API: ComponentStatus). */
  readonly deprecationWarning?: string;
  /**
   * Set for a kind that is a question, never stored (SelfSubjectAccessReview...): a POST of it
   * answers 201 with the body this returns, judged for the requester. `namespace` is the URL's.
   */
  review?(body: T, requester: Requester, namespace: string | undefined): T;
  /**
   * Mutating admission on create that must read the cluster (the ServiceAccount admission of
   * pods): runs after decoding, before the strategy's defaulting and validation. Throws an
   * ApiError to refuse. Strategies stay pure; this is where reads happen.
   */
  admitCreate?(obj: T, ctx: AdmissionContext): Promise<void>;
  /**
   * Validating admission on create that reads the cluster (the LimitRanger's bounds): runs on
   * the object about to be stored (defaulted, validated, named), before the ResourceQuota
   * admission. Throws an ApiError (Forbidden) to refuse; changes nothing.
   */
  validateCreate?(obj: T, ctx: AdmissionContext): Promise<void>;
  /**
   * Validating admission on an update of a namespaced object (the image policy of pods): runs
   * on every write that changes a stored object — PUT, PATCH, apply, a subresource's write,
   * the control plane's own — with the next object (defaulted, validated) and the stored one,
   * at each compare-and-swap attempt. Throws an ApiError (Forbidden) to refuse; changes nothing.
   */
  validateUpdate?(obj: T, old: T, ctx: AdmissionContext): Promise<void>;
}

/** What a create admission may read and which plugins are on. */
export interface AdmissionContext {
  /** The namespace's objects, as admission reads them (admission-reads.ts: from the watch caches, from etcd when they are behind). */
  reads: NamespaceReads;
  namespace: string;
  /** The ServiceAccount admission is on (the control plane has a token signer). */
  serviceAccounts: boolean;
  /** The image policy (`--allowed-image-registries`); absent: every image is allowed. */
  imagePolicy?: ImagePolicy;
  /** NamespaceLifecycle, run first where an admission reads the namespace's objects. */
  admitNamespace(): Promise<void>;
}

/** Reads of the admitted object's namespace. Objects may be a cache's: read-only. */
export interface NamespaceReads {
  /** Every object of a kind; none when the registry does not serve the kind. */
  list<T extends KubeObject>(resource: string): Promise<readonly T[]>;
  /** The object of a kind with that name; undefined when there is none. */
  get<T extends KubeObject>(resource: string, name: string): Promise<T | undefined>;
}

/** What a kind file states; the rest has the defaults most kinds share. */
export type KindSpec<T extends KubeObject, C extends WriteCompanion> = ResourceInfo &
  Pick<ResourceDefinition<T, C>, 'strategy'> &
  Partial<Omit<ResourceDefinition<T, C>, keyof ResourceInfo | 'strategy'>>;

/**
 * A definition with the usual defaults: the default printer (Name, Created At), metadata.name
 * (and metadata.namespace) as selectable fields, no subresources, and the built-in schema of
 * the kind's group, version and kind when Kubernetes has one.
 */
export function defineKind<T extends KubeObject, C extends WriteCompanion = WriteCompanion>(spec: KindSpec<T, C>): ResourceDefinition<T, C> {
  return {
    printer: defaultPrinter,
    fields: selectableFields<T>(metadataFieldGetters(spec.namespaced)),
    subresources: {},
    schema: builtInSchema(spec),
    ...spec,
  };
}

function builtInSchema(info: ResourceInfo): KindSchema | undefined {
  const definition = K8S_KINDS[`${apiVersionOf(info)}/${info.kind}`];
  return definition ? { definition, builtIn: true } : undefined;
}
