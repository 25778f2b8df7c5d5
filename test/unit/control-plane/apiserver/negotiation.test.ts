import { strict as assert } from 'node:assert';
import { ApiError } from '../../../../api/errors';
import { negotiateOutput, objectBodyFormat, patchBodyFormat } from '../../../../control-plane/apiserver/negotiation';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof ApiError ? err.code : 'not an ApiError';
  }
}

describe('content negotiation', () => {
  it("answers kubectl get's Accept with a v1 Table", () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    assert.deepEqual(negotiateOutput(accept), { format: 'json', as: 'Table', asVersion: 'v1' });
  });

  it('falls back to plain JSON for aggregated discovery and protobuf-first clients', () => {
    assert.deepEqual(negotiateOutput('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'), { format: 'json' });
    assert.deepEqual(negotiateOutput('application/vnd.kubernetes.protobuf, */*'), { format: 'json' });
    assert.deepEqual(negotiateOutput(undefined), { format: 'json' });
  });

  it('serves YAML and PartialObjectMetadata on request', () => {
    assert.deepEqual(negotiateOutput('application/yaml'), { format: 'yaml' });
    assert.deepEqual(negotiateOutput('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'), { format: 'json', as: 'PartialObjectMetadataList', asVersion: 'v1' });
  });

  it('is 406 when nothing acceptable is offered', () => {
    assert.equal(code(() => negotiateOutput('application/vnd.kubernetes.protobuf')), 'NotAcceptable');
    assert.equal(code(() => negotiateOutput('application/json;as=Table;g=example.com;v=v1')), 'NotAcceptable');
  });

  it('reads bodies as JSON without a Content-Type, and YAML when declared', () => {
    assert.equal(objectBodyFormat(undefined), 'json');
    assert.equal(objectBodyFormat('application/json; charset=utf-8'), 'json');
    assert.equal(objectBodyFormat('application/yaml'), 'yaml');
  });

  it('reads protobuf bodies only for kinds that have a protobuf message', () => {
    assert.equal(objectBodyFormat('application/vnd.kubernetes.protobuf', true), 'protobuf');
    assert.equal(code(() => objectBodyFormat('application/vnd.kubernetes.protobuf')), 'UnsupportedMediaType');
  });

  it('rejects unknown body types and non-patch types on PATCH with 415', () => {
    assert.equal(code(() => objectBodyFormat('text/plain', true)), 'UnsupportedMediaType');
    assert.equal(code(() => patchBodyFormat('application/json')), 'UnsupportedMediaType');
    assert.equal(code(() => patchBodyFormat(undefined)), 'UnsupportedMediaType');
    assert.equal(patchBodyFormat('application/strategic-merge-patch+json'), 'strategic-merge-patch');
    assert.equal(patchBodyFormat('application/apply-patch+yaml'), 'apply-patch');
  });
});
