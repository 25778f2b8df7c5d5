import { strict as assert } from 'node:assert';
import { readEnvelope } from '../../../../../control-plane/apiserver/protobuf/unknown-envelope';
import { envelope, lengthDelimited, protobufErrorOf } from '../../../../support/protobuf-encoder';


describe('the k8s protobuf envelope (runtime.Unknown)', () => {
  it('reads type meta and raw bytes after the k8s\\0 prefix', () => {
    const raw = Buffer.from([1, 2, 3]);
    const read = readEnvelope(envelope('apps/v1', 'Deployment', raw));
    assert.deepEqual({ ...read, raw: [...read.raw] }, { apiVersion: 'apps/v1', kind: 'Deployment', raw: [1, 2, 3], contentEncoding: '', contentType: '' });
  });

  it('leaves type meta empty when the client sends none, and skips unknown fields', () => {
    const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), lengthDelimited(2, Buffer.from([9])), lengthDelimited(7, Buffer.from('x'))]);
    const read = readEnvelope(body);
    assert.equal(read.kind, '');
    assert.equal(read.apiVersion, '');
    assert.deepEqual([...read.raw], [9]);
  });

  it('answers with the apiserver serializer messages for bodies that are not envelopes', () => {
    assert.equal(protobufErrorOf(() => readEnvelope(Buffer.alloc(0))), 'empty data');
    assert.equal(protobufErrorOf(() => readEnvelope(Buffer.from('{"kind":"Pod"}'))), 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
    assert.equal(protobufErrorOf(() => readEnvelope(Buffer.from('k8s\0', 'latin1'))), 'empty body');
    assert.equal(protobufErrorOf(() => readEnvelope(Buffer.from('k8s\0\x0a\x05ab', 'latin1'))), 'unexpected EOF');
  });
});
