import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { aesCbcTransformer } from '../../../../../control-plane/store/encryption/aes-cbc-transformer';
import { aesGcmTransformer } from '../../../../../control-plane/store/encryption/aes-gcm-transformer';
import { identityTransformer } from '../../../../../control-plane/store/encryption/identity-transformer';
import { prefixTransformers } from '../../../../../control-plane/store/encryption/prefix-transformers';
import type { ValueTransformer } from '../../../../../control-plane/store/encryption/value-transformer';

const KEY = '/registry/core/secrets/default/db';
const PLAIN = Buffer.from('{"kind":"Secret","metadata":{"name":"db"},"data":{"password":"aHVudGVyMg=="}}');

function flipped(data: Buffer, at: number): Buffer {
  const copy = Buffer.from(data);
  copy[at] ^= 0x01;
  return copy;
}

/** Reads a value that must not come back as the plaintext: an error, or other bytes. */
function readsOtherwise(t: ValueTransformer, stored: Buffer, key = KEY): boolean {
  try {
    return !t.fromStorage(stored, key).plain.equals(PLAIN);
  } catch {
    return true;
  }
}

describe('aescbc transformer', () => {
  for (const size of [16, 24, 32]) {
    it(`round-trips with a ${size}-byte key, as IV + AES-CBC with PKCS#7 padding any standard AES-CBC reads`, () => {
      const key = randomBytes(size);
      const stored = aesCbcTransformer(key).toStorage(PLAIN, KEY);
      assert.equal(stored.length, 16 + (Math.floor(PLAIN.length / 16) + 1) * 16);
      const decipher = createDecipheriv(`aes-${size * 8}-cbc`, key, stored.subarray(0, 16)); // Node's own PKCS#7 unpadding
      assert.deepEqual(Buffer.concat([decipher.update(stored.subarray(16)), decipher.final()]), PLAIN);
      assert.deepEqual(aesCbcTransformer(key).fromStorage(stored, KEY), { plain: PLAIN, stale: false });
    });
  }

  it('pads a value of a whole number of blocks with one full block', () => {
    const stored = aesCbcTransformer(randomBytes(32)).toStorage(Buffer.alloc(32, 7), KEY);
    assert.equal(stored.length, 16 + 48);
  });

  it('uses a fresh IV per write', () => {
    const t = aesCbcTransformer(randomBytes(32));
    assert.notDeepEqual(t.toStorage(PLAIN, KEY), t.toStorage(PLAIN, KEY));
  });

  it('never gives the plaintext back under a wrong key or tampered bytes', () => {
    const key = randomBytes(32);
    const stored = aesCbcTransformer(key).toStorage(PLAIN, KEY);
    assert.ok(readsOtherwise(aesCbcTransformer(randomBytes(32)), stored));
    for (const at of [0, 15, 16, stored.length - 1]) assert.ok(readsOtherwise(aesCbcTransformer(key), flipped(stored, at)), `byte ${at}`);
  });

  it('refuses short, misaligned and badly padded data with the reasons Kubernetes gives', () => {
    const key = randomBytes(32);
    const t = aesCbcTransformer(key);
    assert.throws(() => t.fromStorage(Buffer.alloc(10), KEY), /shorter than the required size/);
    assert.throws(() => t.fromStorage(Buffer.alloc(16 + 17), KEY), /not a multiple of the block size/);
    const stored = t.toStorage(Buffer.alloc(16, 1), KEY); // last block: 16 bytes of padding 0x10
    const lastBlockIv = stored.subarray(stored.length - 32, stored.length - 16);
    const bad = Buffer.concat([stored.subarray(0, stored.length - 32), flipped(lastBlockIv, 3), stored.subarray(stored.length - 16)]);
    assert.throws(() => t.fromStorage(bad, KEY), /invalid padding on input/);
  });
});

describe('aesgcm transformer', () => {
  for (const size of [16, 24, 32]) {
    it(`round-trips with a ${size}-byte key, as nonce + AES-GCM + tag with the etcd key authenticated`, () => {
      const key = randomBytes(size);
      const stored = aesGcmTransformer(key).toStorage(PLAIN, KEY);
      assert.equal(stored.length, 12 + PLAIN.length + 16);
      const decipher = createDecipheriv(`aes-${size * 8}-gcm` as 'aes-256-gcm', key, stored.subarray(0, 12)).setAAD(Buffer.from(KEY));
      decipher.setAuthTag(stored.subarray(stored.length - 16));
      assert.deepEqual(Buffer.concat([decipher.update(stored.subarray(12, stored.length - 16)), decipher.final()]), PLAIN);
      assert.deepEqual(aesGcmTransformer(key).fromStorage(stored, KEY), { plain: PLAIN, stale: false });
    });
  }

  it('refuses a wrong key, any tampered byte and a value moved under another etcd key', () => {
    const key = randomBytes(32);
    const t = aesGcmTransformer(key);
    const stored = t.toStorage(PLAIN, KEY);
    assert.throws(() => aesGcmTransformer(randomBytes(32)).fromStorage(stored, KEY), /message authentication failed/);
    for (const at of [0, 11, 12, stored.length - 17, stored.length - 1]) assert.throws(() => t.fromStorage(flipped(stored, at), KEY), /message authentication failed/, `byte ${at}`);
    assert.throws(() => t.fromStorage(stored, '/registry/core/secrets/default/other'), /message authentication failed/);
    assert.throws(() => t.fromStorage(Buffer.alloc(27), KEY), /shorter than the required size/);
  });
});

describe('prefix transformers (provider list)', () => {
  const key1 = randomBytes(32);
  const key2 = randomBytes(32);
  const aescbc = (...keys: [string, Buffer][]) => ({
    prefix: Buffer.from('k8s:enc:aescbc:v1:'),
    transformer: prefixTransformers(keys.map(([name, k]) => ({ prefix: Buffer.from(`${name}:`), transformer: aesCbcTransformer(k) })), 'no matching key was found for the provided AES transformer'),
  });
  const identity = { prefix: Buffer.alloc(0), transformer: identityTransformer };
  const list = (...providers: ReturnType<typeof aescbc>[]) => prefixTransformers(providers, 'no matching prefix found');

  it('writes with the first provider and key, behind k8s:enc:<provider>:v1:<key name>:', () => {
    const stored = list(aescbc(['key1', key1], ['key2', key2])).toStorage(PLAIN, KEY);
    assert.equal(stored.subarray(0, 23).toString(), 'k8s:enc:aescbc:v1:key1:');
    assert.ok(!stored.includes(Buffer.from('aHVudGVyMg')), 'no plaintext in the stored value');
  });

  it('reads a value of a second key, and says it is stale', () => {
    const stored = list(aescbc(['key1', key1])).toStorage(PLAIN, KEY);
    assert.deepEqual(list(aescbc(['key2', key2], ['key1', key1])).fromStorage(stored, KEY), { plain: PLAIN, stale: true });
    assert.deepEqual(list(aescbc(['key1', key1], ['key2', key2])).fromStorage(stored, KEY), { plain: PLAIN, stale: false });
  });

  it('tries a later provider with the same prefix when an earlier one fails', () => {
    const stored = list(aescbc(['key1', key1])).toStorage(PLAIN, KEY);
    assert.deepEqual(list(aescbc(['key2', key2]), aescbc(['key1', key1])).fromStorage(stored, KEY), { plain: PLAIN, stale: true });
  });

  it('fails with Kubernetes\' reasons for a removed key and for unencrypted data without identity', () => {
    const stored = list(aescbc(['key1', key1])).toStorage(PLAIN, KEY);
    assert.throws(() => list(aescbc(['key2', key2])).fromStorage(stored, KEY), { message: 'no matching key was found for the provided AES transformer' });
    assert.throws(() => list(aescbc(['key2', key2])).fromStorage(PLAIN, KEY), { message: 'no matching prefix found' });
  });

  it('reads plaintext through identity (stale when identity is not first), and never reads encrypted data as plaintext', () => {
    assert.deepEqual(prefixTransformers([aescbc(['key1', key1]), identity], 'x').fromStorage(PLAIN, KEY), { plain: PLAIN, stale: true });
    const stored = list(aescbc(['key1', key1])).toStorage(PLAIN, KEY);
    assert.deepEqual(prefixTransformers([identity, aescbc(['key1', key1])], 'x').fromStorage(stored, KEY), { plain: PLAIN, stale: true });
    assert.throws(() => prefixTransformers([identity, aescbc(['key2', key2])], 'x').fromStorage(stored, KEY), /no matching key was found/);
    assert.deepEqual(prefixTransformers([identity], 'x').toStorage(PLAIN, KEY), PLAIN);
  });
});
