/**
 * Which objects a list, watch or deletecollection is about: `labelSelector` and
 * `fieldSelector` compiled once per request (the parsers are api/label-selector.ts and
 * api/field-selector.ts, with Kubernetes' messages; an unparsable or unsupported selector is a
 * 400 BadRequest before anything is read).
 */
import { objectFieldMatcher, type SelectableFields } from '../../api/field-selector';
import { matchesLabels, parseLabelSelector } from '../../api/label-selector';
import type { KubeObject } from '../../api/meta';

export interface Selection {
  matches(obj: KubeObject): boolean;
  /** True when every object matches (no selector): watches need not track membership. */
  readonly everything: boolean;
}

export interface SelectorStrings {
  labelSelector?: string;
  fieldSelector?: string;
}

/** `fields` are the selectable fields of the kind (its definition's). */
export function compileSelection(selectable: SelectableFields, selectors: SelectorStrings): Selection {
  const labels = selectors.labelSelector ? parseLabelSelector(selectors.labelSelector) : undefined;
  const fields = selectors.fieldSelector ? objectFieldMatcher(selectable, selectors.fieldSelector) : undefined;
  return {
    everything: !labels && !fields,
    matches: (obj) => (!labels || matchesLabels(labels, obj.metadata.labels)) && (!fields || fields(obj)),
  };
}
