import assert from 'node:assert/strict';
import { InvalidStreamRequest, validateStreamRequest } from '../../../../agent/streams/stream-requests';
import type { StreamRequest__Output } from '../../../../proto/generated/pikube/node/v1/StreamRequest';

const POD = { namespace: 'default', name: 'web', uid: '0b7a6f0e-1c1e-4c53-9d1e-2f3a4b5c6d7e' };
const ID = '6f1c3a2e-9b8d-4e7f-a1b2-c3d4e5f60718';

function logs(extra: Partial<NonNullable<StreamRequest__Output['logs']>> = {}): StreamRequest__Output {
  return {
    stream_id: ID, kind: 'logs',
    logs: { pod: POD, container: 'main', follow: false, previous: false, timestamps: false, tail_lines: -1, since_seconds: 0, since_unix_ms: 0, limit_bytes: 0, ...extra },
  };
}

function exec(extra: Partial<NonNullable<StreamRequest__Output['exec']>> = {}): StreamRequest__Output {
  return { stream_id: ID, kind: 'exec', exec: { pod: POD, container: 'main', command: ['ls'], stdin: false, stdout: true, stderr: true, tty: false, ...extra } };
}

describe('stream requests from the control plane', () => {
  it('reads zeros as absent, and tail_lines 0 as no lines', () => {
    const r = validateStreamRequest(logs(), 0);
    assert.deepEqual(r, {
      kind: 'logs', target: { ...POD, container: 'main' }, follow: false, previous: false, timestamps: false,
      tailLines: undefined, sinceUnixMs: undefined, limitBytes: undefined,
    });
    assert.equal((validateStreamRequest(logs({ tail_lines: 0 }), 0) as { tailLines?: number }).tailLines, 0);
  });

  it('turns since_seconds into a time, since_unix_ms winning', () => {
    assert.equal((validateStreamRequest(logs({ since_seconds: 60 }), 100_000) as { sinceUnixMs?: number }).sinceUnixMs, 40_000);
    assert.equal((validateStreamRequest(logs({ since_seconds: 60, since_unix_ms: 5 }), 100_000) as { sinceUnixMs?: number }).sinceUnixMs, 5);
  });

  it('drops stderr from a TTY exec', () => {
    assert.equal((validateStreamRequest(exec({ tty: true }), 0) as { stderr: boolean }).stderr, false);
  });

  const bad: [string, StreamRequest__Output][] = [
    ['an unsafe container name', logs({ container: '../etc' })],
    ['an unsafe pod uid', logs({ pod: { ...POD, uid: 'UID with spaces' } })],
    ['no pod', logs({ pod: null })],
    ['an empty command', exec({ command: [] })],
    ['a huge command', exec({ command: ['x'.repeat(70_000)] })],
    ['no stream at all', exec({ stdout: false, stderr: false })],
    ['no kind', { stream_id: ID }],
  ];
  for (const [what, request] of bad) {
    it(`refuses ${what}`, () => assert.throws(() => validateStreamRequest(request, 0), InvalidStreamRequest));
  }
});
