/**
 * A container's raw output (a log or an exec) as OutputChunks, in order: demultiplexed from
 * Docker's stdcopy framing, or, with a TTY, one stream of stdout. Pulling drives the source
 * (backpressure); leaving the loop early destroys it.
 */
import { pipeline } from 'node:stream';
import type { RawOutput } from './container-streams';
import { StdcopyDemux, type OutputChunk } from './stdcopy-demux';

function asBuffer(data: unknown): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(String(data));
}

export async function* outputChunks(raw: RawOutput): AsyncGenerator<OutputChunk> {
  const source = raw.stream;
  try {
    if (raw.tty) {
      for await (const data of source) yield { stream: 'stdout', data: asBuffer(data) };
      return;
    }
    // pipeline, not pipe: a source destroyed early (an aborted request) must end the loop too.
    const demux = pipeline(source, new StdcopyDemux(), () => undefined);
    for await (const chunk of demux) yield chunk as OutputChunk;
  } finally {
    source.destroy();
  }
}
