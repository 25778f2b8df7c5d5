import assert from 'node:assert/strict';
import { ApiError } from '../../../../../api/errors';
import {
  CHANNEL, decodeClientFrame, encodeFrame, negotiateProtocol, negotiateSpdyProtocol, offeredProtocols, parseTerminalSize, protocolVersion, resultStatus, statusFrame,
} from '../../../../../control-plane/apiserver/remote-command/channel-protocol';

function json(frame: Buffer | undefined): unknown {
  assert.ok(frame, 'a status frame');
  assert.equal(frame[0], CHANNEL.error);
  return JSON.parse(frame.subarray(1).toString('utf8'));
}

describe('remote-command channel protocol', () => {
  describe('subprotocol negotiation', () => {
    it("picks the client's first served protocol", () => {
      assert.equal(negotiateProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io']), 'v5.channel.k8s.io');
      assert.equal(negotiateProtocol(['SPDY/3.1', 'v4.channel.k8s.io', 'v5.channel.k8s.io']), 'v4.channel.k8s.io');
    });

    it('serves none of the base64 or unknown protocols', () => {
      assert.equal(negotiateProtocol(['base64.channel.k8s.io', 'v4.base64.channel.k8s.io', 'SPDY/3.1']), undefined);
      assert.equal(negotiateProtocol([]), undefined);
    });

    it('negotiates X-Stream-Protocol-Version for SPDY without v5, refusing as httpstream.Handshake does', () => {
      assert.equal(negotiateSpdyProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io']), 'v4.channel.k8s.io');
      assert.equal(negotiateSpdyProtocol(['channel.k8s.io']), 'channel.k8s.io');
      const refusal = (offered: string[]): [string, string] => {
        try {
          negotiateSpdyProtocol(offered);
        } catch (err: unknown) {
          assert.ok(err instanceof ApiError);
          return [err.code, err.message];
        }
        return assert.fail('refused');
      };
      assert.deepEqual(refusal([]), ['BadRequest', 'unable to upgrade: X-Stream-Protocol-Version is required']);
      assert.deepEqual(refusal(['v5.channel.k8s.io', 'portforward.k8s.io']), [
        'Forbidden',
        'unable to upgrade: unable to negotiate protocol: client supports [v5.channel.k8s.io portforward.k8s.io], server accepts [v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]',
      ]);
    });

    it('reads the Sec-WebSocket-Protocol header as a list', () => {
      assert.deepEqual(offeredProtocols('v5.channel.k8s.io, v4.channel.k8s.io'), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
      assert.deepEqual(offeredProtocols(undefined), []);
    });

    it('numbers the versions', () => {
      assert.deepEqual(['channel.k8s.io', 'v2.channel.k8s.io', 'v3.channel.k8s.io', 'v4.channel.k8s.io', 'v5.channel.k8s.io'].map(protocolVersion), [1, 2, 3, 4, 5]);
    });
  });

  describe('framing', () => {
    it('puts the channel byte before the payload', () => {
      assert.deepEqual([...encodeFrame(CHANNEL.stdout, 'hi')], [1, 0x68, 0x69]);
      assert.deepEqual([...encodeFrame(CHANNEL.stderr, Buffer.alloc(0))], [2]);
    });

    it('decodes stdin, resize and the v5 close of stdin', () => {
      assert.deepEqual(decodeClientFrame(Buffer.from([0, 0x61, 0x0a]), 5), { type: 'stdin', data: Buffer.from('a\n') });
      assert.deepEqual(decodeClientFrame(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":120,"Height":40}')]), 5), { type: 'resize', size: { width: 120, height: 40 } });
      assert.deepEqual(decodeClientFrame(Buffer.from([255, 0]), 5), { type: 'close', channel: 0 });
    });

    it('has no close signal before v5 and no resize before v3', () => {
      assert.equal(decodeClientFrame(Buffer.from([255, 0]), 4).type, 'ignored');
      assert.equal(decodeClientFrame(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":1,"Height":1}')]), 2).type, 'ignored');
    });

    it('ignores empty messages, output channels and malformed signals', () => {
      assert.equal(decodeClientFrame(Buffer.alloc(0), 5).type, 'ignored');
      assert.equal(decodeClientFrame(Buffer.from([1, 0x61]), 5).type, 'ignored');
      assert.equal(decodeClientFrame(Buffer.from([255]), 5).type, 'ignored');
      assert.equal(decodeClientFrame(Buffer.from([255, 0, 1]), 5).type, 'ignored');
      assert.equal(decodeClientFrame(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":-1,"Height":2}')]), 5).type, 'ignored');
    });

    it('parses terminal sizes as uint16 pairs', () => {
      assert.deepEqual(parseTerminalSize(Buffer.from('{"Width":80,"Height":24}')), { width: 80, height: 24 });
      for (const bad of ['', 'null', '{"Width":80}', '{"Width":70000,"Height":1}', '{"Width":1.5,"Height":1}', '[80,24]']) {
        assert.equal(parseTerminalSize(Buffer.from(bad)), undefined, bad);
      }
    });
  });

  describe('status frames', () => {
    it('reports success as the kubelet does', () => {
      assert.deepEqual(json(statusFrame({ ok: true, exitCode: 0 }, ['true'], 5)), { metadata: {}, status: 'Success' });
    });

    it('reports a non-zero exit code with reason NonZeroExitCode and an ExitCode cause', () => {
      const status = json(statusFrame({ ok: true, exitCode: 3 }, ['sh', '-c', 'exit 3'], 4)) as Record<string, unknown>;
      assert.equal(status.status, 'Failure');
      assert.equal(status.reason, 'NonZeroExitCode');
      assert.deepEqual(status.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
      assert.match(String(status.message), /exited with 3/);
    });

    it('reports a failure of the node side as a Failure Status with its reason and code', () => {
      const status = resultStatus({ ok: false, error: new ApiError('NotFound', 'container not found ("c")') }, ['ls']);
      assert.deepEqual(status, { metadata: {}, status: 'Failure', message: 'container not found ("c")', reason: 'NotFound', details: {}, code: 404 });
    });

    it('sends only failure text before v4, and nothing for success', () => {
      assert.equal(statusFrame({ ok: true, exitCode: 0 }, ['true'], 3), undefined);
      const frame = statusFrame({ ok: false, error: new ApiError('InternalError', 'boom') }, ['x'], 2);
      assert.equal(frame?.toString('utf8', 1), 'boom');
    });
  });
});
