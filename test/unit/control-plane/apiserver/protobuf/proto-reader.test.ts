import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { readFields, readPackedVarints } from '../../../../../control-plane/apiserver/protobuf/proto-reader';
import { lengthDelimited, tag, varint, protobufErrorOf } from '../../../../support/protobuf-encoder';


describe('protobuf wire reader', () => {
  it('reads varint, fixed and length-delimited fields in order', () => {
    const bytes = Buffer.concat([tag(1, 0), varint(150), lengthDelimited(2, Buffer.from('abc')), tag(3, 1), Buffer.alloc(8, 1), tag(4, 5), Buffer.alloc(4, 2)]);
    const fields = readFields(bytes);
    assert.deepEqual(fields.map((f) => [f.number, f.value.wireType]), [[1, 0], [2, 2], [3, 1], [4, 5]]);
    assert.deepEqual(fields[0].value, { wireType: 0, varint: 150n });
    assert.equal(fields[1].value.wireType === 2 && fields[1].value.bytes.toString(), 'abc');
  });

  it('reads the 10-byte varints of negative numbers as unsigned 64-bit values', () => {
    const [field] = readFields(Buffer.concat([tag(1, 0), varint(-1)]));
    assert.deepEqual(field.value, { wireType: 0, varint: 2n ** 64n - 1n });
  });

  it('round-trips any 64-bit varint', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (n) => {
      assert.deepEqual(readPackedVarints(varint(n)), [n]);
    }));
  });

  it('reads field numbers beyond one byte of tag', () => {
    assert.deepEqual(readFields(Buffer.concat([tag(300, 0), varint(7)])).map((f) => f.number), [300]);
  });

  it('refuses truncated values, lengths past the end and overlong varints', () => {
    assert.equal(protobufErrorOf(() => readFields(Buffer.from([0x08]))), 'unexpected EOF');
    assert.equal(protobufErrorOf(() => readFields(Buffer.from([0x08, 0x96]))), 'unexpected EOF');
    assert.equal(protobufErrorOf(() => readFields(Buffer.from([0x12, 0x05, 0x61]))), 'unexpected EOF');
    assert.equal(protobufErrorOf(() => readFields(Buffer.from([0x19, 1, 2, 3]))), 'unexpected EOF');
    assert.equal(protobufErrorOf(() => readFields(Buffer.concat([Buffer.from([0x08]), Buffer.alloc(10, 0xff), Buffer.from([0x01])]))), 'proto: integer overflow');
  });

  it('refuses groups and unknown wire types, and field number 0', () => {
    assert.equal(protobufErrorOf(() => readFields(tag(1, 3))), 'proto: illegal wireType 3 for field 1');
    assert.equal(protobufErrorOf(() => readFields(Buffer.concat([tag(2, 7), varint(0)]))), 'proto: illegal wireType 7 for field 2');
    assert.equal(protobufErrorOf(() => readFields(Buffer.concat([tag(0, 0), varint(0)]))), 'proto: illegal field number 0');
  });
});
