import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DnsTcpFramer, frameMessage } from '../../../../agent/dns/dns-tcp-framing';

describe('dns over tcp framing', () => {
  it('prefixes a message with its two-byte length', () => {
    assert.deepEqual([...frameMessage(Buffer.from([7, 8, 9]))], [0, 3, 7, 8, 9]);
  });

  it('yields the same messages however the stream is split', () => {
    const messages = fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 5 });
    fc.assert(fc.property(messages, fc.array(fc.nat(), { maxLength: 10 }), (ms, cuts) => {
      const stream = Buffer.concat(ms.map((m) => frameMessage(Buffer.from(m))));
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const framer = new DnsTcpFramer();
      const out: Buffer[] = [];
      let from = 0;
      for (const to of [...points, stream.length]) {
        out.push(...framer.push(stream.subarray(from, to)));
        from = to;
      }
      assert.deepEqual(out, ms.map((m) => Buffer.from(m)));
    }));
  });

  it('holds a partial message until the rest arrives', () => {
    const framer = new DnsTcpFramer();
    assert.deepEqual(framer.push(Buffer.from([0])), []);
    assert.deepEqual(framer.push(Buffer.from([2, 1])), []);
    assert.deepEqual(framer.push(Buffer.from([2, 0])), [Buffer.from([1, 2])]);
    assert.deepEqual(framer.push(Buffer.from([1, 9])), [Buffer.from([9])]);
  });
});
