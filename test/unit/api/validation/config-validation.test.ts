import assert from 'node:assert/strict';
import type { ConfigMap, Secret } from '../../../../api/config-v1';
import { defaultSecret } from '../../../../api/defaults/secret-defaults';
import { causeToString } from '../../../../api/validation/field-errors';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from '../../../../api/validation/config-validation';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const cm = (extra: Partial<ConfigMap>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', resourceVersion: '5' }, ...extra });
const secret = (extra: Partial<Secret>): Secret => defaultSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', resourceVersion: '5' }, ...extra });
const messages = (causes: ReturnType<typeof validateSecret>): string[] => causes.map(causeToString);

describe('ConfigMap and Secret validation', () => {
  const secretCases: { name: string; secret: Secret; want: string[] }[] = [
    { name: 'an Opaque secret with valid keys', secret: secret({ data: { 'app.key': b64('x'), '.hidden': b64('y') } }), want: [] },
    { name: 'an invalid key', secret: secret({ data: { 'a b': b64('x') } }), want: ['data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')'] },
    { name: 'over 1 MiB of decoded bytes', secret: secret({ data: { a: Buffer.alloc(1024 * 1024 + 1).toString('base64') } }), want: ['data: Too long: may not be more than 1048576 bytes'] },
    { name: 'exactly 1 MiB', secret: secret({ data: { a: Buffer.alloc(1024 * 1024).toString('base64') } }), want: [] },
    { name: 'TLS without either key', secret: secret({ type: 'kubernetes.io/tls' }), want: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'] },
    { name: 'a docker config that is a JSON array', secret: secret({ type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('[]') } }), want: ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}'] },
    { name: 'a docker config starting with garbage', secret: secret({ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('<x>') } }), want: ['data[.dockercfg]: Invalid value: "<secret contents redacted>": invalid character \'<\' looking for beginning of value'] },
    { name: 'a service-account token without its account', secret: secret({ type: 'kubernetes.io/service-account-token' }), want: ['metadata.annotations[kubernetes.io/service-account.name]: Required value'] },
    { name: 'ssh-auth with an empty key', secret: secret({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }), want: ['data[%s][ssh-privatekey]: Required value'] },
    { name: 'stringData counts once folded', secret: secret({ type: 'kubernetes.io/basic-auth', stringData: { password: 'p' } }), want: [] },
  ];
  for (const c of secretCases) it(`Secret: ${c.name}`, () => assert.deepEqual(messages(validateSecret(c.secret)), c.want));

  it('folds stringData over data as base64 and defaults the type', () => {
    const s = secret({ data: { a: b64('1'), b: b64('2') }, stringData: { b: 'two' } });
    assert.deepEqual(s, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', resourceVersion: '5' }, type: 'Opaque', data: { a: b64('1'), b: b64('two') } });
  });

  it('ConfigMap: keys in both bags, and the size of both counted together', () => {
    assert.deepEqual(messages(validateConfigMap(cm({ data: { k: 'x' }, binaryData: { k: b64('y') } }))), ['data[k]: Invalid value: "k": duplicate of key present in binaryData']);
    assert.deepEqual(messages(validateConfigMap(cm({ data: { a: 'x'.repeat(1024 * 1024) }, binaryData: { b: b64('y') } }))), [': Too long: may not be more than 1048576 bytes']);
  });

  it('immutable objects keep their contents and their immutability; a Secret keeps its type', () => {
    const frozen = cm({ immutable: true, data: { k: 'v' } });
    assert.deepEqual(messages(validateConfigMapUpdate(cm({ immutable: true, data: { k: 'w' } }), frozen)), ['data: Forbidden: field is immutable when `immutable` is set']);
    assert.deepEqual(messages(validateConfigMapUpdate(cm({ data: { k: 'v' } }), frozen)), ['immutable: Forbidden: field is immutable when `immutable` is set']);
    assert.deepEqual(messages(validateConfigMapUpdate(cm({ immutable: true, data: { k: 'w' } }), cm({ data: { k: 'v' } }))), [], 'freezing with new contents is allowed');
    assert.deepEqual(messages(validateSecretUpdate(secret({ type: 'kubernetes.io/basic-auth', data: { username: b64('u') } }), secret({}))), ['type: Invalid value: "kubernetes.io/basic-auth": field is immutable']);
  });
});
