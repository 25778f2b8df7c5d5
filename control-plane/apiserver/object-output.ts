/**
 * What a read or write answers with, given the negotiated target: the object or list itself,
 * a meta.k8s.io Table (kubectl get), or PartialObjectMetadata(List). Status bodies pass as they are.
 */
import { badRequest } from '../../api/errors';
import type { KubeList, KubeObject } from '../../api/meta';
import type { OutputTarget } from './negotiation';
import type { ResourceDefinition } from '../registry/resource-definition';
import { parseIncludeObject, partialObjectMetadata, type IncludeObject } from './tables/table';
import { toTable } from './tables/to-table';

export function isList(value: KubeObject | KubeList): value is KubeList {
  return Array.isArray((value as KubeList).items);
}

export function includeObjectParam(query: URLSearchParams): IncludeObject {
  const value = parseIncludeObject(query.get('includeObject'));
  if (!value) throw badRequest(`includeObject: Unsupported value: "${query.get('includeObject') ?? ''}": supported values: "None", "Metadata", "Object"`);
  return value;
}

export interface RenderContext {
  info: ResourceDefinition;
  target: OutputTarget;
  includeObject: IncludeObject;
  now: Date;
  /** Omit Table column definitions (watch events after the first). */
  noHeaders?: boolean;
}

function asTable(value: KubeObject | KubeList, ctx: RenderContext): object {
  const items = isList(value) ? value.items : [value];
  const meta = isList(value) ? value.metadata : { resourceVersion: value.metadata.resourceVersion };
  const table = toTable(ctx.info, items, { includeObject: ctx.includeObject, now: ctx.now, noHeaders: ctx.noHeaders, ...meta });
  return ctx.target.asVersion === 'v1beta1' ? { ...table, apiVersion: 'meta.k8s.io/v1beta1' } : table;
}

function asPartial(value: KubeObject | KubeList, ctx: RenderContext): object {
  const apiVersion = `meta.k8s.io/${ctx.target.asVersion ?? 'v1'}`;
  if (!isList(value)) return { ...partialObjectMetadata(value), apiVersion };
  const items = value.items.map((o) => ({ ...partialObjectMetadata(o), apiVersion }));
  return { kind: 'PartialObjectMetadataList', apiVersion, metadata: value.metadata, items };
}

export function render(value: KubeObject | KubeList, ctx: RenderContext): object {
  if (value.kind === 'Status') return value;
  if (ctx.target.as === 'Table') return asTable(value, ctx);
  if (ctx.target.as) return asPartial(value, ctx);
  return value;
}
