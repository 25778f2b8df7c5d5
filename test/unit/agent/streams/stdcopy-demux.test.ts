import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StdcopyDemux, type OutputChunk } from '../../../../agent/streams/stdcopy-demux';

function frame(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds the pieces one write each; resolves the chunks, or rejects with the stream's error. */
async function demux(pieces: Buffer[]): Promise<OutputChunk[]> {
  const d = new StdcopyDemux();
  const out: OutputChunk[] = [];
  const done = new Promise<OutputChunk[]>((resolve, reject) => {
    d.on('data', (c: OutputChunk) => out.push(c));
    d.on('end', () => resolve(out));
    d.on('error', reject);
  });
  for (const p of pieces) d.write(p);
  d.end();
  return done;
}

/** Adjacent chunks of one stream joined: framing boundaries are not part of the meaning. */
function joined(chunks: OutputChunk[]): { stream: string; text: string }[] {
  const result: { stream: string; text: string }[] = [];
  for (const c of chunks) {
    if (c.data.length === 0) continue;
    const last = result.at(-1);
    if (last?.stream === c.stream) last.text += c.data.toString('latin1');
    else result.push({ stream: c.stream, text: c.data.toString('latin1') });
  }
  return result;
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    pieces.push(bytes.subarray(at, p));
    at = p;
  }
  pieces.push(bytes.subarray(at));
  return pieces;
}

describe('StdcopyDemux', () => {
  it('splits stdout and stderr frames, in order', async () => {
    const chunks = await demux([Buffer.concat([frame(1, Buffer.from('out\n')), frame(2, Buffer.from('err\n')), frame(1, Buffer.from('more\n'))])]);
    assert.deepEqual(joined(chunks), [{ stream: 'stdout', text: 'out\n' }, { stream: 'stderr', text: 'err\n' }, { stream: 'stdout', text: 'more\n' }]);
  });

  it('passes payload on before a frame is complete', async () => {
    const d = new StdcopyDemux();
    const seen: string[] = [];
    d.on('data', (c: OutputChunk) => seen.push(c.data.toString()));
    const whole = frame(1, Buffer.from('abcdef'));
    d.write(whole.subarray(0, 11));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['abc']);
    d.end(whole.subarray(11));
  });

  it('fails on a frame of the daemon itself, with its message', async () => {
    await assert.rejects(demux([frame(1, Buffer.from('ok')), frame(3, Buffer.from('disk full'))]), /error from daemon in stream: disk full/);
  });

  it('fails on an unknown stream type and on a truncated header', async () => {
    await assert.rejects(demux([frame(7, Buffer.from('x'))]), /unknown stream type 7/);
    await assert.rejects(demux([frame(1, Buffer.from('x')), Buffer.from([1, 0, 0])]), /inside a frame header/);
  });

  it('gives the same output however the bytes are cut', async () => {
    const frames = fc.array(fc.record({ type: fc.constantFrom(1, 2), payload: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 12 });
    await fc.assert(fc.asyncProperty(frames, fc.array(fc.nat(), { maxLength: 10 }), async (fs, cuts) => {
      const bytes = Buffer.concat(fs.map((f) => frame(f.type, Buffer.from(f.payload))));
      const expected = joined(fs.map((f) => ({ stream: f.type === 2 ? 'stderr' : 'stdout', data: Buffer.from(f.payload) })));
      assert.deepEqual(joined(await demux(splitAt(bytes, cuts))), expected);
    }));
  });
});
