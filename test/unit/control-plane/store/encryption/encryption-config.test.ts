import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEncryptionConfig } from '../../../../../control-plane/store/encryption/encryption-config';
import { readEncryptionConfigFile } from '../../../../../control-plane/store/encryption/encryption-config-file';
import { resourceEncryption } from '../../../../../control-plane/store/encryption/resource-encryption';

const KEY32 = Buffer.alloc(32, 1).toString('base64');
const KEY16 = Buffer.alloc(16, 2).toString('base64');

function config(providers: string, resources = '[secrets]'): string {
  return `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ${resources}
    providers:
${providers}`;
}

const aescbc = (secret: string, name = 'key1') => `      - aescbc:\n          keys:\n            - name: ${name}\n              secret: ${JSON.stringify(secret)}\n`;

describe('EncryptionConfiguration parser', () => {
  it('reads providers in order with their named, decoded keys', () => {
    const parsed = parseEncryptionConfig(config(`${aescbc(KEY32)}      - aesgcm:\n          keys:\n            - {name: g1, secret: ${KEY16}}\n      - identity: {}\n`, '[secrets, configmaps]'));
    assert.deepEqual(parsed.resources[0].resources, ['secrets', 'configmaps']);
    assert.deepEqual(parsed.resources[0].providers.map((p) => p.type), ['aescbc', 'aesgcm', 'identity']);
    const first = parsed.resources[0].providers[0];
    assert.ok(first.type === 'aescbc');
    assert.deepEqual(first.keys, [{ name: 'key1', secret: Buffer.alloc(32, 1) }]);
  });

  for (const size of [16, 24, 32]) {
    it(`accepts an aescbc key of ${size} bytes`, () => {
      assert.doesNotThrow(() => parseEncryptionConfig(config(aescbc(Buffer.alloc(size, 3).toString('base64')))));
    });
  }

  const refused: Array<[string, string, RegExp]> = [
    ['an aescbc key of 8 bytes', config(aescbc(Buffer.alloc(8).toString('base64'))), /resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of \[16 24 32\]/],
    ['an aescbc key of 33 bytes', config(aescbc(Buffer.alloc(33).toString('base64'))), /got 33, expected one of \[16 24 32\]/],
    ['a secret that is not base64', config(aescbc('not*base64!')), /secret: Invalid value: "REDACTED": secrets must be base64 encoded/],
    ['a secret with a bad base64 length', config(aescbc('QUJD')), /got 3, expected/],
    ['a key without a name', config(aescbc(KEY32, '""')), /keys\[0\]\.name: Required value: name is a mandatory field for a key/],
    ['a provider without keys', config('      - aesgcm:\n          keys: []\n'), /aesgcm\.keys: Required value: at least one keys is required/],
    ['empty providers', config('      []\n').replace('providers:\n      []', 'providers: []'), /resources\[0\]\.providers: Required value: at least one resources\[0\]\.providers is required/],
    ['empty resources', 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources: []\n', /resources: Required value: at least one resources is required/],
    ['secretbox', config(`      - secretbox:\n          keys:\n            - {name: s, secret: ${KEY32}}\n`), /secretbox: not supported: Node\.js's crypto has no XSalsa20-Poly1305/],
    ['kms', config('      - kms:\n          name: vault\n          endpoint: unix:///tmp/kms.sock\n'), /kms: not supported: pikube has no KMS plugin API/],
    ['two providers in one element', config(`      - identity: {}\n        aescbc:\n          keys:\n            - {name: k, secret: ${KEY32}}\n`), /more than one provider specified in a single element/],
    ['an unknown provider', config('      - rot13: {}\n'), /unknown provider "rot13"/],
    ['another kind', 'apiVersion: v1\nkind: ConfigMap\n', /got unexpected config type: v1, Kind=ConfigMap/],
    ['an unknown field', `${config(aescbc(KEY32))}extra: 1\n`, /unknown field "extra"/],
    ['a duplicate key name', config(`      - aescbc:\n          keys:\n            - {name: k, secret: ${KEY32}}\n            - {name: k, secret: ${KEY16}}\n`), /keys\[1\]\.name: Invalid value: "k": duplicate key name/],
    ['capital letters', config(aescbc(KEY32), '[Secrets]'), /resources\[0\]\.resources\[0\]: Invalid value: "Secrets": resource name should not contain capital letters/],
    ['a bare *', config(aescbc(KEY32), "['*']"), /use '\*\.' to encrypt all the resources from core API group/],
    ['overlapping resources in one list', config(aescbc(KEY32), "[secrets, '*.']"), /overlapping resources/],
    ['a resource across groups', config(aescbc(KEY32), "['secrets.*']"), /encrypting the same resource across groups is not supported/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseEncryptionConfig(text), message);
    });
  }

  it('never puts a secret in its messages, not even for a YAML syntax error on the secret\'s line', () => {
    const secret = 'c2VjcmV0IGlzIHNlY3VyZQ==';
    for (const text of [config(aescbc(secret)).replace('secrets]', 'secrets]]'), config(`${aescbc(secret)}      - aescbc:\n          keys:\n            - {name: x, secret: "${secret}"  : :\n`)]) {
      assert.throws(() => parseEncryptionConfig(text), (err: Error) => !err.message.includes(secret) && /not valid YAML/.test(err.message));
    }
  });
});

describe('encryption configuration applied to stored resources', () => {
  const kinds = [
    { group: '', resource: 'secrets', namespaced: true },
    { group: '', resource: 'configmaps', namespaced: true },
    { group: 'apps', resource: 'deployments', namespaced: true },
    { group: '', resource: 'events', namespaced: true },
  ];
  const space = { prefix: '/registry' };

  it('gives each resource the first entry that covers it (exact names and wildcards), and leaves others plain', () => {
    const text = `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [events]
    providers: [{identity: {}}]
  - resources: [secrets]
    providers: [{aesgcm: {keys: [{name: g, secret: ${KEY32}}]}}]
  - resources: ['*.apps']
    providers: [{aescbc: {keys: [{name: a, secret: ${KEY32}}]}}]
  - resources: [pandas.awesome.bears.example]
    providers: [{identity: {}}]
  - resources: ['*.*']
    providers: [{aescbc: {keys: [{name: all, secret: ${KEY16}}]}}]
`;
    const plan = resourceEncryption(parseEncryptionConfig(text), space, kinds);
    assert.deepEqual(plan.resources.map((r) => [r.name, r.prefix, r.writer]), [
      ['secrets', '/registry/core/secrets/', 'aesgcm key "g"'],
      ['configmaps', '/registry/core/configmaps/', 'aescbc key "all"'],
      ['deployments.apps', '/registry/apps/deployments/', 'aescbc key "a"'],
      ['events', '/registry/core/events/', 'identity'],
    ]);
    assert.deepEqual(plan.unmatched, ['pandas.awesome.bears.example']);
    const key = '/registry/core/secrets/default/db';
    assert.equal(plan.forKey(key)?.toStorage(Buffer.from('{}'), key).subarray(0, 20).toString(), 'k8s:enc:aesgcm:v1:g:');
    assert.equal(plan.forKey('/registry/ranges/serviceips/x'), undefined);
  });

  it('covers the core group with *. and nothing else', () => {
    const text = config(aescbc(KEY32), "['*.']");
    assert.deepEqual(resourceEncryption(parseEncryptionConfig(text), space, kinds).resources.map((r) => r.name), ['secrets', 'configmaps', 'events']);
  });
});

describe('encryption configuration file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-enc-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string, mode: number): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    chmodSync(file, mode);
    return file;
  };

  it('reads a file only its owner can read', () => {
    assert.equal(readEncryptionConfigFile(write('ok.yaml', config(aescbc(KEY32)), 0o600)).resources.length, 1);
    assert.equal(readEncryptionConfigFile(write('group.yaml', config(aescbc(KEY32)), 0o640)).resources.length, 1);
  });

  for (const mode of [0o644, 0o604, 0o620, 0o666]) {
    it(`refuses a key file of mode ${mode.toString(8)}, naming the fix`, () => {
      const file = write(`m${mode.toString(8)}.yaml`, config(aescbc(KEY32)), mode);
      assert.throws(() => readEncryptionConfigFile(file), (err: Error) => err.message.includes(`is mode 0${mode.toString(8)}`) && err.message.includes(`sudo chmod 600 ${file}`) && !err.message.includes(KEY32));
    });
  }

  it('refuses a missing or empty file, and names the file in a parse error', () => {
    assert.throws(() => readEncryptionConfigFile(path.join(dir, 'absent.yaml')), /error opening encryption provider configuration file/);
    assert.throws(() => readEncryptionConfigFile(write('empty.yaml', '', 0o600)), /is empty/);
    const bad = write('bad.yaml', config(aescbc(Buffer.alloc(5).toString('base64'))), 0o600);
    assert.throws(() => readEncryptionConfigFile(bad), (err: Error) => err.message.startsWith(`error while parsing encryption provider configuration file "${bad}": `) && /got 5/.test(err.message));
  });
});
