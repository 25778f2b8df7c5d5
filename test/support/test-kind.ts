/**
 * A kind Kubernetes does not have, defined in this one file as any served kind is: a
 * namespaced `Widget` of `example.pikube.dev/v1` with its own field model (so bodies are
 * decoded by type like built-in kinds, and it is neither served as protobuf nor patched by
 * strategic merge, like a custom resource), its validation, its `kubectl get` columns, a
 * selectable `spec.color` and a status subresource. Serving it is one line: a Registry with
 * `kinds: [...KINDS, WIDGETS]`.
 */
import { metadataFieldGetters, selectableFields } from '../../api/field-selector';
import type { KubeObject, ObjectMeta, StatusCause } from '../../api/meta';
import { invalid as invalidValue, required } from '../../api/validation/field-errors';
import type { ApiDefinition } from '../../control-plane/apiserver/schema/api-definition';
import { ageColumn, ageOf, column, nameColumn, nameOf } from '../../control-plane/apiserver/tables/columns';
import { defaultStrategy, SPEC_STATUS_FIELDS } from '../../control-plane/registry/default-strategy';
import { defineKind } from '../../control-plane/registry/resource-definition';
import type { ResourceStrategy } from '../../control-plane/registry/strategy';
import { STATUS } from '../../control-plane/registry/subresource';

export interface Widget extends KubeObject {
  apiVersion: 'example.pikube.dev/v1';
  kind: 'Widget';
  metadata: ObjectMeta;
  spec: { color?: string; size?: number };
  status?: { phase?: string };
}

const WIDGET = 'dev.pikube.example.v1.Widget';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const DEFINITIONS: Record<string, ApiDefinition> = {
  [WIDGET]: {
    description: 'A widget, for tests.',
    properties: {
      apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: `#${META}` },
      spec: { type: `#${WIDGET}Spec` }, status: { type: `#${WIDGET}Status` },
    },
  },
  [`${WIDGET}Spec`]: { properties: { color: { type: 'string' }, size: { type: 'integer/int32' } } },
  [`${WIDGET}Status`]: { properties: { phase: { type: 'string' } } },
};

function validateSpec(widget: Widget): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!widget.spec?.color) causes.push(required('spec.color', ''));
  const size = widget.spec?.size ?? 0;
  if (size <= 0) causes.push(invalidValue('spec.size', size, 'must be greater than 0'));
  return causes;
}

const base = defaultStrategy<Widget>({ topLevelFields: SPEC_STATUS_FIELDS, hasStatus: true });

const widgetStrategy: ResourceStrategy<Widget> = {
  ...base,
  prepareForCreate: (widget) => {
    widget.status = { phase: 'Pending' };
  },
  validate: (widget, info) => [...base.validate(widget, info), ...validateSpec(widget)],
  validateUpdate: (widget, old, info) => [...base.validateUpdate(widget, old, info), ...validateSpec(widget)],
};

export const WIDGETS = defineKind<Widget>({
  group: 'example.pikube.dev', version: 'v1', resource: 'widgets', singularName: 'widget', kind: 'Widget', listKind: 'WidgetList', namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['wd'],
  strategy: widgetStrategy,
  printer: {
    columns: [nameColumn(), column('Color', 'string', 'The color of the widget.'), column('Size', 'integer', 'Its size.'), ageColumn()],
    cells: (obj, now) => [nameOf(obj), (obj as Widget).spec?.color ?? '', (obj as Widget).spec?.size ?? 0, ageOf(obj, now)],
  },
  fields: selectableFields<Widget>({ ...metadataFieldGetters(true), 'spec.color': (w) => w.spec?.color ?? '' }),
  schema: { definition: WIDGET, definitions: DEFINITIONS, builtIn: false },
  subresources: { status: STATUS },
});
