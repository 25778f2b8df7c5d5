/**
 * Starts test-registry-server.js inside a network namespace the test made (never in the
 * machine's own), serving one image taken from a node's dockerd with `docker save` and
 * republished as a schema 2 manifest with gzipped layers, behind basic auth. Registries on
 * 127.0.0.0/8 are insecure (plain HTTP) for dockerd by default, so a registry on the node's
 * own loopback needs no daemon flag. `stop()` ends the process it started, by pid, and
 * removes its files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import type Docker from 'dockerode';
import { netnsPath } from '../../scripts/cluster/netns';
import { runCommand } from '../../scripts/cluster/run-command';

export interface TestRegistryOptions {
  /** The namespace to serve in (a node's: its dockerd reaches 127.0.0.1 there). */
  netns: string;
  /** The dockerd holding the image to publish. */
  source: Docker;
  sourceImage: string;
  repository: string;
  tag: string;
  user: string;
  password: string;
  address?: string;
  port?: number;
}

export interface TestRegistry {
  /** `host:port` as an image reference names it. */
  host: string;
  /** The full reference of the published image. */
  image: string;
  stop(): Promise<void>;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** `docker save` (legacy layout: manifest.json, config, `<id>/layer.tar`) → manifest.json and blobs/. */
async function publishImage(source: Docker, image: string, dir: string): Promise<void> {
  const saved = path.join(dir, 'saved');
  mkdirSync(saved);
  await pipeline(await source.getImage(image).get(), createWriteStream(path.join(dir, 'image.tar')));
  await runCommand('tar', ['-xf', path.join(dir, 'image.tar'), '-C', saved]);
  const [entry] = JSON.parse(readFileSync(path.join(saved, 'manifest.json'), 'utf8')) as { Config: string; Layers: string[] }[];
  const blobs = path.join(dir, 'blobs');
  mkdirSync(blobs);
  const store = (data: Buffer): { digest: string; size: number } => {
    const hex = sha256(data);
    writeFileSync(path.join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const config = store(readFileSync(path.join(saved, entry.Config)));
  const layers = entry.Layers.map((layer) => store(gzipSync(readFileSync(path.join(saved, layer)))));
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...l })),
  }));
  rmSync(saved, { recursive: true, force: true });
  rmSync(path.join(dir, 'image.tar'), { force: true });
}

function waitListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`test registry did not start: ${output}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) { clearTimeout(timer); resolve(); }
    });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`test registry exited (${code}): ${output}`)); });
  });
}

export async function startTestRegistry(opts: TestRegistryOptions): Promise<TestRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pkit-registry-'));
  const address = opts.address ?? '127.0.0.1';
  const port = opts.port ?? 5000;
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await publishImage(opts.source, opts.sourceImage, dir);
    const server = path.join(__dirname, 'test-registry-server.js');
    child = spawn('nsenter', [`--net=${netnsPath(opts.netns)}`, process.execPath, server, dir, address, String(port), opts.repository, opts.tag, opts.user, opts.password], { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitListening(child);
  } catch (err) {
    await stop();
    throw err;
  }
  const host = `${address}:${port}`;
  return { host, image: `${host}/${opts.repository}:${opts.tag}`, stop };
}
