import assert from 'node:assert/strict';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  nameIsDNSSubdomain,
} from '../../../../api/validation/names';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character " +
  "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('DNS names', () => {
  it('accepts RFC 1123 subdomains and rejects others with the Kubernetes message', () => {
    assert.deepEqual(isDNS1123Subdomain('web-1.example.com'), []);
    assert.deepEqual(isDNS1123Subdomain('Web'), [SUBDOMAIN_MSG]);
    assert.deepEqual(isDNS1123Subdomain('-web'), [SUBDOMAIN_MSG]);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  });

  it('accepts RFC 1123 labels and says "must not contain dots" for subdomains', () => {
    assert.deepEqual(isDNS1123Label('my-name'), []);
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDNS1123Label('UPPER'), [LABEL_MSG]);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });

  it('requires RFC 1035 labels to start with a letter', () => {
    assert.deepEqual(isDNS1035Label('svc-1'), []);
    assert.equal(isDNS1035Label('1svc').length, 1);
  });

  it('lets generateName end with a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
  });
});

describe('qualified names and label values', () => {
  const valid = ['app', 'example.com/app', 'A_b.c-d', 'k8s.io/x'];
  for (const v of valid) it(`accepts key "${v}"`, () => assert.deepEqual(isQualifiedName(v), []));

  it('explains what is wrong with each part', () => {
    assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
    assert.deepEqual(isQualifiedName('a/'), [
      'name part must be non-empty',
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    assert.equal(isQualifiedName('Bad_/x')[0].startsWith('prefix part a lowercase RFC 1123 subdomain'), true);
    assert.equal(isQualifiedName('a/b/c')[0].startsWith('a qualified name must consist of'), true);
    assert.deepEqual(isQualifiedName('x'.repeat(64))[0], 'name part must be no more than 63 characters');
  });

  it('accepts empty and well-formed label values only', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('v1.2_x-y'), []);
    assert.equal(isValidLabelValue('-x').length, 1);
    assert.deepEqual(isValidLabelValue('x'.repeat(64))[0], 'must be no more than 63 characters');
  });
});

describe('other identifiers', () => {
  it('checks IANA service names for ports', () => {
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
    assert.deepEqual(isValidPortName('-ab'), ['must not begin or end with a hyphen']);
    assert.deepEqual(isValidPortName('a-very-long-port-name'), ['must be no more than 15 characters']);
  });

  it('checks environment variable names', () => {
    assert.deepEqual(isEnvVarName('MY_VAR'), []);
    assert.equal(isEnvVarName('1VAR').length, 1);
    assert.deepEqual(isEnvVarName('..x').slice(-1), ["must not start with '..'"]);
  });
});
