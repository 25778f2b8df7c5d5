import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { tokenErrorText } from '../../../agent/session-connection';

function ended(code: grpc.status, details: string): grpc.StatusObject & Error {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

describe('session connection: why a service-account token was not given', () => {
  const cases = [
    { name: 'an account gone: the API\'s own words, as the kubelet\'s FailedMount shows them', err: ended(grpc.status.NOT_FOUND, 'serviceaccounts "robot" not found'), text: 'serviceaccounts "robot" not found' },
    { name: 'a pod on another node', err: ended(grpc.status.PERMISSION_DENIED, 'node "pi2" may not request a token for pod a/b, which is not bound to it'), text: 'node "pi2" may not request a token for pod a/b, which is not bound to it' },
    { name: 'no control plane: the transport\'s code says so', err: ended(grpc.status.UNAVAILABLE, 'No connection established'), text: 'UNAVAILABLE: No connection established' },
    { name: 'a deadline', err: ended(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'), text: 'DEADLINE_EXCEEDED: Deadline exceeded' },
  ];
  for (const c of cases) {
    it(`words ${c.name}`, () => assert.equal(tokenErrorText(c.err), c.text));
  }
});
