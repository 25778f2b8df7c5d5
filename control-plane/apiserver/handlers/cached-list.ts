/**
 * LISTs the resource's watch cache answers (watch-cache.ts), as the apiserver's Cacher does:
 * resourceVersion unset (a consistent read: the cache first reaches etcd's current revision)
 * or "0" (the cache as it is), without resourceVersionMatch. Any other resourceVersion, and
 * whatever the cache cannot answer consistently, is read from etcd by registry.list. Both give
 * the same list: the same Selection, key order, pages and continue tokens.
 */
import type { KubeList } from '../../../api/meta';
import type { CacheListRequest, CachedEntry, CachePage } from '../cache-list';
import type { EncodedPages } from '../encoded-pages';
import { gzipParts, type BodyParts } from '../respond';
import { decodeContinue, listOfPage, type Page } from '../list-pagination';
import { render, type RenderContext } from '../object-output';
import type { ListOptions } from '../../registry/registry';
import type { RequestScope } from '../request-scope';
import type { ResourceTarget } from '../router';
import { compileSelection } from '../../registry/selection';

/** The page from the cache, or undefined when the request is etcd's (or the cache cannot answer it). */
export async function listFromCache(scope: RequestScope, target: ResourceTarget, options: ListOptions): Promise<CachePage | undefined> {
  const read = cacheRead(scope.query);
  if (!read || target.info.live) return undefined;
  const { info } = target;
  const namespace = info.namespaced ? options.namespace : undefined;
  const request: CacheListRequest = {
    ...read,
    filter: { namespace, selection: compileSelection(info.fields, options) },
    filterKey: JSON.stringify([namespace ?? null, options.labelSelector ?? '', options.fieldSelector ?? '']),
    limit: options.limit,
    continue: options.continue ? decodeContinue(options.continue) : undefined,
  };
  return scope.watchCaches.of(info).list(request);
}

/** How the cache reads the request's resourceVersion; undefined when only etcd can answer it. */
function cacheRead(query: URLSearchParams): Pick<CacheListRequest, 'resourceVersion'> | undefined {
  if (query.get('resourceVersionMatch')) return undefined;
  const rv = query.get('resourceVersion') ?? '';
  if (rv === '') return {};
  return rv === '0' ? { resourceVersion: '0' } : undefined;
}

/** The list object of a cached page; its items are the cache's shared objects (read-only). */
export function cachedList(target: ResourceTarget, page: Page<CachedEntry>): KubeList {
  return listOfPage(target.info, { ...page, items: page.items.map((e) => e.cached.object) });
}

/**
 * A compact JSON answer in three parts: what comes before the items, the items (each one's
 * JSON, comma-separated), and what closes the document. Written one after the other, they are
 * `JSON.stringify` of the answer, byte for byte; `gzipped` is their gzip, shared like the items.
 */
export type ListAnswerParts = BodyParts;

const COMMA = Buffer.from(',');

/** The items of a plain JSON list from the bytes of each item's JSON the cache made once. */
export function jsonItems(entries: readonly CachedEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const [i, entry] of entries.entries()) {
    if (i > 0) parts.push(COMMA);
    parts.push(entry.cached.bytes());
  }
  return Buffer.concat(parts);
}

/** Splits `JSON.stringify(shell)` of an answer whose last field is an empty array at `field`. */
function around(shell: object, field: string): Pick<ListAnswerParts, 'head' | 'tail'> {
  const text = JSON.stringify(shell);
  const end = `"${field}":[]}`;
  if (!text.endsWith(end)) throw new Error(`a list answer must end with its ${field}`);
  return { head: text.slice(0, -2), tail: ']}' };
}

/**
 * Plain JSON (`JSON.stringify(list)`) from the cached bytes of each item: a LIST of 1,000
 * unchanged pods neither serializes nor encodes them again; identical LISTs of an unchanged
 * state share the items' bytes (encoded-pages.ts).
 */
export function jsonListParts(list: KubeList, page: CachePage, pages?: EncodedPages): ListAnswerParts {
  const items = shared(pages, page, 'json', () => jsonItems(page.items));
  return withGzip({ ...around({ ...list, items: [] }, 'items'), items }, pages, page, 'json');
}

/**
 * A compact JSON Table (`JSON.stringify(render(list))`), its rows shared by identical LISTs of
 * an unchanged state within the same second: `ctx.now` must be a whole second (Kubernetes'
 * timestamps are), so an age printed from it is the same for every request of that second.
 */
export function tableListParts(list: KubeList, page: CachePage, ctx: RenderContext, pages?: EncodedPages): ListAnswerParts {
  if (ctx.now.getTime() % 1000 !== 0) throw new Error('tables of cached lists are printed at a whole second');
  const variant = `table|${ctx.info.group}/${ctx.info.resource}|${ctx.includeObject}|${ctx.now.getTime()}`;
  const items = shared(pages, page, variant, () => {
    const text = JSON.stringify((render(list, ctx) as { rows: unknown[] }).rows);
    return Buffer.from(text.slice(1, -1), 'utf8');
  });
  return withGzip({ ...around(render({ ...list, items: [] }, ctx), 'rows'), items }, pages, page, variant);
}

/**
 * The answer's gzip, made once for identical LISTs of an unchanged state (the head names the
 * list's resourceVersion and continue token, so it is part of the key): a burst of kubectl
 * gets compresses the 1,000 pods once, and TLS then encrypts a tenth of the bytes per client.
 */
function withGzip(parts: Omit<ListAnswerParts, 'gzipped'>, pages: EncodedPages | undefined, page: CachePage, variant: string): ListAnswerParts {
  const made = (): Promise<Buffer> => gzipParts(parts);
  if (!pages || page.filterKey === undefined) return { ...parts, gzipped: made };
  const key = `gzip|${pageKey(variant, page)}|${parts.head}|${parts.tail}`;
  return { ...parts, gzipped: () => pages.takeAsync(key, page.stateVersion, made) };
}

/**
 * The page's items encoded by `encode`, shared through `pages` when the page names its filter:
 * a page is a run of the filtered state, so its filter, first key and length name it.
 */
function shared(pages: EncodedPages | undefined, page: CachePage, variant: string, encode: () => Buffer): Buffer {
  if (!pages || page.filterKey === undefined) return encode();
  return pages.take(pageKey(variant, page), page.stateVersion, encode);
}

function pageKey(variant: string, page: CachePage): string {
  return `${variant}|${page.filterKey ?? ''}|${page.items[0]?.key ?? ''}|${page.items.length}`;
}
