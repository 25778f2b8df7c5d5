import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { MAX_FRAME_BYTES, StreamChannel, type StreamClientCall } from '../../../../agent/streams/stream-channel';
import type { StreamFrame } from '../../../../proto/generated/pikube/node/v1/StreamFrame';

const ID = '6f1c3a2e-9b8d-4e7f-a1b2-c3d4e5f60718';

/** The agent's side of a `Stream` call, recording what is written. */
class FakeCall extends EventEmitter {
  readonly written: StreamFrame[] = [];
  ended = false;
  writableNeedDrain = false;
  write(frame: StreamFrame): boolean {
    this.written.push(frame);
    return true;
  }
  end(): void {
    this.ended = true;
  }
  cancel(): void {
    this.emit('error', new Error('cancelled'));
  }
  pause(): void {}
  resume(): void {}
}

function channel(): { call: FakeCall; ch: StreamChannel } {
  const call = new FakeCall();
  return { call, ch: new StreamChannel(call as unknown as StreamClientCall, ID) };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const text = (f: StreamFrame): string => Buffer.from((f.stdout ?? f.stderr) as Buffer).toString();

describe('StreamChannel (the agent end of a Stream call)', () => {
  it('names the stream in its first frame, bare when ready', () => {
    const { call, ch } = channel();
    ch.ready();
    assert.deepEqual(call.written, [{ stream_id: ID }]);
  });

  it('refuses with the end in the first frame, then half-closes', () => {
    const { call, ch } = channel();
    ch.fail('BadRequest', 'no previous instance');
    assert.deepEqual(call.written, [{ stream_id: ID, end: { success: false, exit_code: 0, reason: 'BadRequest', message: 'no previous instance' } }]);
    assert.ok(call.ended);
  });

  it('sends the output given in one turn as one frame per run of a stream', async () => {
    const { call, ch } = channel();
    ch.ready();
    for (let i = 0; i < 1000; i++) void ch.send('stdout', Buffer.from(`line ${i}\n`));
    void ch.send('stderr', Buffer.from('oops\n'));
    void ch.send('stdout', Buffer.from('after\n'));
    await turn();
    const frames = call.written.slice(1);
    assert.deepEqual(frames.map((f) => (f.stdout ? 'stdout' : 'stderr')), ['stdout', 'stderr', 'stdout']);
    assert.equal(text(frames[0]).split('\n').length, 1001);
    assert.equal(text(frames[1]), 'oops\n');
  });

  it('never sends a frame larger than MAX_FRAME_BYTES', async () => {
    const { call, ch } = channel();
    ch.ready();
    void ch.send('stdout', Buffer.alloc(MAX_FRAME_BYTES * 2 + 10, 0x61));
    await turn();
    const sizes = call.written.slice(1).map((f) => (f.stdout as Buffer).length);
    assert.deepEqual(sizes, [MAX_FRAME_BYTES, MAX_FRAME_BYTES, 10]);
  });

  it('writes queued output before the end', () => {
    const { call, ch } = channel();
    ch.ready();
    void ch.send('stdout', Buffer.from('last words\n'));
    ch.end({ success: true, exit_code: 3 });
    assert.equal(text(call.written[1]), 'last words\n');
    assert.deepEqual(call.written[2], { end: { success: true, exit_code: 3 } });
  });

  it('waits for gRPC to drain before taking more output', async () => {
    const { call, ch } = channel();
    ch.ready();
    call.writableNeedDrain = true;
    let resolved = false;
    void ch.send('stdout', Buffer.from('x')).then(() => (resolved = true));
    await turn();
    assert.equal(resolved, false);
    call.writableNeedDrain = false;
    call.emit('drain');
    await turn();
    assert.equal(resolved, true);
  });

  it('hands the control plane frames to the input handlers, and stops once the call is over', () => {
    const { call, ch } = channel();
    const seen: string[] = [];
    ch.onInput({ stdin: (d) => seen.push(`stdin ${d.toString()}`), stdinClosed: () => seen.push('closed'), resize: (w, h) => seen.push(`resize ${w}x${h}`) });
    call.emit('data', { stream_id: '', frame: 'stdin', stdin: Buffer.from('hi') });
    call.emit('data', { stream_id: '', frame: 'resize', resize: { width: 80, height: 24 } });
    call.emit('data', { stream_id: '', frame: 'stdin_closed', stdin_closed: true });
    call.emit('error', new Error('cancelled'));
    call.emit('data', { stream_id: '', frame: 'stdin', stdin: Buffer.from('late') });
    assert.deepEqual(seen, ['stdin hi', 'resize 80x24', 'closed']);
    assert.ok(ch.closed.aborted);
  });
});
