import assert from 'node:assert/strict';
import { KINDS } from '../../../../control-plane/registry/kinds';
import { route } from '../../../../control-plane/apiserver/router';
import { requestClassOf } from '../../../../control-plane/apiserver/server';

describe('requestClassOf', () => {
  const cases: Array<[string, string, string]> = [
    ['GET', '/api/v1/namespaces/default/pods', 'readonly'],
    ['GET', '/api/v1/namespaces/default/pods/web', 'readonly'],
    ['GET', '/apis/discovery.k8s.io/v1', 'readonly'],
    ['GET', '/api/v1/namespaces/default/pods?watch=true', 'watch'],
    ['GET', '/api/v1/watch/namespaces/default/pods', 'watch'],
    ['GET', '/api/v1/namespaces/default/pods/web/log?follow=true', 'longRunning'],
    ['POST', '/api/v1/namespaces/default/pods/web/exec?command=sh', 'longRunning'],
    ['POST', '/api/v1/namespaces/default/pods', 'mutating'],
    ['PATCH', '/api/v1/namespaces/default/pods/web', 'mutating'],
    ['DELETE', '/api/v1/namespaces/default/pods', 'mutating'],
    ['POST', '/api/v1/namespaces/default/pods/web/binding', 'mutating'],
  ];
  for (const [method, url, expected] of cases) {
    it(`counts ${method} ${url} as ${expected}`, () => {
      const parsed = new URL(url, 'https://apiserver');
      assert.equal(requestClassOf(method, route(parsed.pathname, KINDS), parsed.searchParams), expected);
    });
  }
});
