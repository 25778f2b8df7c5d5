import assert from 'node:assert/strict';
import { ResizeDecoder } from '../../../../../control-plane/apiserver/remote-command/resize-decoder';

describe('ResizeDecoder', () => {
  it('yields each TerminalSize once its object is complete, however the bytes are cut', () => {
    const text = '{"Width":100,"Height":30}\n{"Width":80,"Height":24}\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const d = new ResizeDecoder();
      const sizes = [...d.push(Buffer.from(text.slice(0, cut))), ...d.push(Buffer.from(text.slice(cut)))];
      assert.deepEqual(sizes, [{ width: 100, height: 30 }, { width: 80, height: 24 }], `cut at ${cut}`);
    }
  });

  it('stops at the first malformed object, as the kubelet stops decoding', () => {
    const d = new ResizeDecoder();
    assert.deepEqual(d.push(Buffer.from('{"Width":1,"Height":2}{"Width":-1,"Height":2}{"Width":3,"Height":4}')), [{ width: 1, height: 2 }]);
    assert.ok(d.malformed);
    assert.deepEqual(d.push(Buffer.from('{"Width":5,"Height":6}')), []);
  });

  it('gives up on an object that never ends instead of buffering it', () => {
    const d = new ResizeDecoder();
    assert.deepEqual(d.push(Buffer.from(`{"Width":${' '.repeat(5000)}`)), []);
    assert.ok(d.malformed);
  });
});
