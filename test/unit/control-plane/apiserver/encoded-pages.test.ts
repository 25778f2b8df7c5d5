import assert from 'node:assert/strict';
import { EncodedPages } from '../../../../control-plane/apiserver/encoded-pages';

function counting(): { encode: (text: string) => () => Buffer; calls: () => number } {
  let calls = 0;
  return { encode: (text) => () => (calls++, Buffer.from(text)), calls: () => calls };
}

describe('EncodedPages', () => {
  it('encodes once per key and state version', () => {
    const pages = new EncodedPages(100);
    const c = counting();
    const first = pages.take('a', 1, c.encode('abc'));
    assert.equal(pages.take('a', 1, c.encode('xyz')), first);
    assert.equal(c.calls(), 1);
    assert.equal(pages.take('a', 2, c.encode('xyz')).toString(), 'xyz');
    assert.equal(c.calls(), 2);
    assert.equal(pages.heldBytes, 3);
  });

  it('stays within its bytes, dropping the least recently used first', () => {
    const pages = new EncodedPages(10);
    pages.take('a', 1, () => Buffer.alloc(4));
    pages.take('b', 1, () => Buffer.alloc(4));
    pages.take('a', 1, () => assert.fail('a is kept'));
    pages.take('c', 1, () => Buffer.alloc(4));
    assert.equal(pages.heldBytes, 8);
    const c = counting();
    pages.take('b', 1, c.encode('bbbb'));
    assert.equal(c.calls(), 1, 'b, the least recently used, went');
    pages.take('a', 1, c.encode('aaaa'));
    assert.equal(c.calls(), 2, 'a went to make room for b');
  });

  it('uses an encoding larger than its bound once, without keeping it', () => {
    const pages = new EncodedPages(10);
    pages.take('small', 1, () => Buffer.alloc(5));
    assert.equal(pages.take('big', 1, () => Buffer.alloc(11)).length, 11);
    assert.equal(pages.heldBytes, 5);
    const c = counting();
    pages.take('big', 1, c.encode('x'.repeat(11)));
    assert.equal(c.calls(), 1);
  });

  it('holds nothing once cleared', () => {
    const pages = new EncodedPages(10);
    pages.take('a', 1, () => Buffer.alloc(4));
    pages.clear();
    assert.equal(pages.heldBytes, 0);
    const c = counting();
    pages.take('a', 1, c.encode('a'));
    assert.equal(c.calls(), 1);
  });

  it('makes an asynchronous encoding once for every request asking while it is made, then keeps it', async () => {
    const pages = new EncodedPages(100);
    let calls = 0;
    let finish: (b: Buffer) => void = () => undefined;
    const encode = (): Promise<Buffer> => (calls++, new Promise((resolve) => (finish = resolve)));
    const asked = [pages.takeAsync('g', 1, encode), pages.takeAsync('g', 1, encode), pages.takeAsync('g', 1, encode)];
    finish(Buffer.from('zz'));
    const got = await Promise.all(asked);
    assert.equal(calls, 1);
    assert.ok(got.every((b) => b === got[0]));
    assert.equal(await pages.takeAsync('g', 1, () => assert.fail('kept')), got[0]);
    assert.equal(pages.heldBytes, 2);
    assert.equal((await pages.takeAsync('g', 2, () => Promise.resolve(Buffer.from('new')))).toString(), 'new');
    assert.equal(pages.heldBytes, 3, 'the new state\'s encoding replaced the old one');
  });

  it('keeps no asynchronous encoding that failed, nor one made for a state cleared meanwhile', async () => {
    const pages = new EncodedPages(100);
    await assert.rejects(pages.takeAsync('g', 1, () => Promise.reject(new Error('zlib'))), /zlib/);
    assert.equal((await pages.takeAsync('g', 1, () => Promise.resolve(Buffer.from('ok')))).toString(), 'ok');
    pages.clear();
    let finish: (b: Buffer) => void = () => undefined;
    const late = pages.takeAsync('h', 1, () => new Promise((resolve) => (finish = resolve)));
    pages.clear();
    finish(Buffer.from('stale'));
    await late;
    assert.equal(pages.heldBytes, 0);
  });
});
