import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ApiError } from '../../../api/errors';
import {
  escapeValue,
  formatFieldSelector,
  matchesFieldSelector,
  metadataFieldGetters,
  objectFieldMatcher,
  parseFieldSelector,
  resolveFieldSelector,
  selectableFields,
  unescapeValue,
  type SelectableFields,
} from '../../../api/field-selector';
import type { KubeObject } from '../../../api/meta';
import { EVENTS, NODES, PODS } from '../../../control-plane/registry/kinds';

/** The selectable fields the served kinds declare; a kind without its own has the metadata ones. */
const SELECTABLE: Record<string, SelectableFields> = { pods: PODS.fields, nodes: NODES.fields, events: EVENTS.fields, configmaps: selectableFields(metadataFieldGetters(true)) };
const fieldsOf = (resource: string, obj: KubeObject): Record<string, string> => SELECTABLE[resource].valuesOf(obj);
const supportedFields = (resource: string): string[] => [...SELECTABLE[resource].labels];

function badRequest(message: string) {
  return (err: unknown): boolean => err instanceof ApiError && err.code === 'BadRequest' && err.message === message;
}

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop' },
  spec: { nodeName: 'pi-2', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', containers: [] },
  status: { phase: 'Running', podIPs: [{ ip: '10.42.1.7' }], nominatedNodeName: '' },
};

const event: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web-1.17a', namespace: 'shop' },
  involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'u-1', apiVersion: 'v1', resourceVersion: '42', fieldPath: 'spec.containers{web}' },
  reason: 'Scheduled',
  type: 'Normal',
  reportingComponent: 'default-scheduler',
  source: {},
};

describe('parseFieldSelector', () => {
  it('parses =, == and != terms, sorted as Kubernetes keeps them', () => {
    const sel = parseFieldSelector('status.phase!=Failed,metadata.name==x,spec.nodeName=pi-1');
    assert.deepEqual(sel.requirements, [
      { field: 'metadata.name', operator: '==', value: 'x' },
      { field: 'spec.nodeName', operator: '=', value: 'pi-1' },
      { field: 'status.phase', operator: '!=', value: 'Failed' },
    ]);
    assert.equal(formatFieldSelector(sel), 'metadata.name=x,spec.nodeName=pi-1,status.phase!=Failed');
  });

  it('unescapes backslash, comma and equals in values', () => {
    const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d');
    assert.equal(sel.requirements[0].value, 'a,b=c\\d');
    assert.equal(formatFieldSelector(sel), 'metadata.name=a\\,b\\=c\\\\d');
  });

  it('skips empty terms and accepts an empty selector', () => {
    assert.deepEqual(parseFieldSelector('').requirements, []);
    assert.equal(parseFieldSelector('a=b,,').requirements.length, 1);
  });

  const invalid: [string, string][] = [
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [input, message] of invalid) it(`rejects "${input}"`, () => assert.throws(() => parseFieldSelector(input), badRequest(message)));
});

describe('fieldsOf', () => {
  it('exposes the pod fields Kubernetes selects on', () => {
    assert.deepEqual(fieldsOf('pods', pod), {
      'metadata.name': 'web-1',
      'metadata.namespace': 'shop',
      'spec.nodeName': 'pi-2',
      'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler',
      'spec.serviceAccountName': 'default',
      'spec.hostNetwork': 'false',
      'status.phase': 'Running',
      'status.podIP': '10.42.1.7',
      'status.podIPs': '',
      'status.nominatedNodeName': '',
    });
  });

  it('exposes event fields, with source falling back to reportingComponent', () => {
    const fields = fieldsOf('events', event);
    assert.equal(fields['involvedObject.uid'], 'u-1');
    assert.equal(fields['involvedObject.fieldPath'], 'spec.containers{web}');
    assert.equal(fields.source, 'default-scheduler');
    assert.equal(fields.reason, 'Scheduled');
  });

  it('reads node unschedulable as "true"/"false" and offers no namespace for nodes', () => {
    const node: KubeObject = { metadata: { name: 'pi-1' }, spec: { unschedulable: true } };
    assert.deepEqual(fieldsOf('nodes', node), { 'metadata.name': 'pi-1', 'spec.unschedulable': 'true' });
    assert.deepEqual(supportedFields('nodes'), ['metadata.name', 'spec.unschedulable']);
  });

  it('gives any other resource metadata.name and metadata.namespace', () => {
    assert.deepEqual(fieldsOf('configmaps', { metadata: { name: 'c', namespace: 'd' } }), { 'metadata.name': 'c', 'metadata.namespace': 'd' });
  });
});

describe('resolveFieldSelector and matching', () => {
  it('rejects an unsupported field with the API server message', () => {
    assert.throws(() => resolveFieldSelector(SELECTABLE.pods, parseFieldSelector('spec.containers=x')), badRequest('field label not supported: spec.containers'));
    assert.throws(() => resolveFieldSelector(SELECTABLE.nodes, parseFieldSelector('metadata.namespace=x')), badRequest('field label not supported: metadata.namespace'));
  });

  it('does not take Object.prototype members for supported fields', () => {
    assert.throws(() => resolveFieldSelector(SELECTABLE.pods, parseFieldSelector('constructor=x')), badRequest('field label not supported: constructor'));
    assert.equal(matchesFieldSelector(parseFieldSelector('toString='), {}), true);
  });

  it('maps the legacy spec.host to spec.nodeName for pods', () => {
    const sel = resolveFieldSelector(SELECTABLE.pods, parseFieldSelector('spec.host=pi-2'));
    assert.equal(sel.requirements[0].field, 'spec.nodeName');
    assert.equal(matchesFieldSelector(sel, fieldsOf('pods', pod)), true);
  });

  const cases: [string, boolean][] = [
    ['spec.nodeName=pi-2,status.phase!=Succeeded,status.phase!=Failed', true],
    ['metadata.name=web-2', false],
    ['status.nominatedNodeName=', true],
    ['metadata.namespace!=shop', false],
  ];
  for (const [selector, expected] of cases) {
    it(`"${selector}" ${expected ? 'matches' : 'does not match'} the pod`, () => assert.equal(objectFieldMatcher(SELECTABLE.pods, selector)(pod), expected));
  }

  it('matches kubectl describe event lookups', () => {
    assert.equal(objectFieldMatcher(SELECTABLE.events, 'involvedObject.name=web-1,involvedObject.namespace=shop,involvedObject.uid=u-1')(event), true);
  });
});

describe('field selector properties', () => {
  it('unescapes what it escapes', () => {
    fc.assert(fc.property(fc.string(), (s) => unescapeValue(escapeValue(s)) === s));
  });

  it('parses what it prints', () => {
    const requirement = fc.record({
      field: fc.stringMatching(/^[a-z][a-zA-Z.]{0,12}$/),
      operator: fc.constantFrom<'=' | '!='>('=', '!='),
      value: fc.string({ maxLength: 8 }),
    }).map((r) => ({ ...r }));
    fc.assert(fc.property(fc.array(requirement, { maxLength: 4 }), (requirements) => {
      const term = (r: (typeof requirements)[number]): string => formatFieldSelector({ requirements: [r] });
      const expected = [...requirements].sort((a, b) => (term(a) < term(b) ? -1 : term(a) > term(b) ? 1 : 0));
      assert.deepEqual(parseFieldSelector(formatFieldSelector({ requirements })).requirements, expected);
    }));
  });
});
