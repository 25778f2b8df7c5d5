import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, servingStatusName } from '../../../../agent/probes/health-check-codec';

/** An independent reading of field 1 (a string) of an encoded request, for the round trip. */
function readService(buf: Buffer): string {
  if (buf.length === 0) return '';
  assert.equal(buf[0], 0x0a);
  let len = 0;
  let pos = 1;
  for (let shift = 0; ; shift += 7) {
    const byte = buf[pos++];
    len += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  assert.equal(buf.length, pos + len);
  return buf.subarray(pos).toString('utf8');
}

describe('grpc.health.v1 codec', () => {
  it('encodes the request service as protobuf field 1', () => {
    assert.deepEqual([...encodeHealthCheckRequest('')], []);
    assert.deepEqual([...encodeHealthCheckRequest('db')], [0x0a, 0x02, 0x64, 0x62]);
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => readService(encodeHealthCheckRequest(s)) === s));
  });

  it('decodes the response status, skipping unknown fields', () => {
    assert.equal(decodeHealthCheckResponse(Buffer.alloc(0)), 0);
    assert.equal(decodeHealthCheckResponse(Buffer.from([0x08, 0x01])), 1);
    assert.equal(decodeHealthCheckResponse(Buffer.from([0x12, 0x02, 0x68, 0x69, 0x08, 0x02, 0x1d, 1, 2, 3, 4])), 2);
  });

  it('names serving statuses as Go does', () => {
    assert.deepEqual([0, 1, 2, 3, 9].map(servingStatusName), ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN', '9']);
  });
});
