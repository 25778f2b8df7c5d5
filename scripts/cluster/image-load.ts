/**
 * `npm run image-load -- IMAGE|ARCHIVE.tar ...`: side-loads images into every node of the local
 * cluster, as `kind load docker-image` does: an image name is saved from the machine's own
 * Docker (/var/run/docker.sock; pikube never starts a dockerd in the machine's namespace), an
 * archive (`docker save` output) is loaded as it is, so images can come from another machine.
 */
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { dockerClient } from './cluster-node';
import { readLocalState, requireRoot } from './local-cluster';
import { readState, type ClusterState, type NodeState } from './cluster-state';

const HOST_SOCKET = '/var/run/docker.sock';

async function hostDocker(): Promise<Docker> {
  const docker = new Docker({ socketPath: HOST_SOCKET });
  try {
    await docker.ping();
    return docker;
  } catch {
    throw new Error(
      `no Docker daemon answers on ${HOST_SOCKET}, so images cannot be saved from this machine. ` +
        'Save them where Docker runs (`docker save -o image.tar IMAGE`) and pass the .tar archive instead.',
    );
  }
}

/** Saves a named image from the machine's Docker into an archive in `dir`. */
async function saveFromHost(docker: Docker, name: string, dir: string, index: number): Promise<string> {
  const image = docker.getImage(name);
  await image.inspect().catch(() => {
    throw new Error(`image ${name} is not in this machine's Docker`);
  });
  const archive = path.join(dir, `image-${index}.tar`);
  await pipeline(await image.get(), createWriteStream(archive));
  return archive;
}

/** Loads an archive into a node's dockerd; returns Docker's "Loaded image" lines. */
async function loadInto(node: NodeState, archive: string): Promise<string[]> {
  const docker = dockerClient(node);
  const stream = await docker.loadImage(createReadStream(archive), { quiet: true });
  const messages: { stream?: string; error?: string }[] = await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { stream?: string; error?: string }[]) => (err ? reject(err) : resolve(out))),
  );
  const error = messages.find((m) => m.error);
  if (error) throw new Error(`${node.name}: ${error.error}`);
  return messages.map((m) => (m.stream ?? '').trim()).filter((l) => l !== '');
}

function isArchive(arg: string): boolean {
  return /\.tar$/.test(arg) || existsSync(arg);
}

export async function loadImages(state: ClusterState, args: string[], say: (l: string) => void): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-image-load-'));
  try {
    const names = args.filter((a) => !isArchive(a));
    const archives = args.filter(isArchive).map((a) => path.resolve(a));
    if (names.length > 0) {
      const docker = await hostDocker();
      for (const [i, name] of names.entries()) archives.push(await saveFromHost(docker, name, dir, i));
    }
    for (const node of state.nodes) {
      for (const archive of archives) (await loadInto(node, archive)).forEach((l) => say(`${node.name}: ${l}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseArgs(argv: string[]): { stateFile?: string; images: string[] } {
  const at = argv.indexOf('--cluster');
  if (at < 0) return { images: argv };
  return { stateFile: argv[at + 1], images: [...argv.slice(0, at), ...argv.slice(at + 2)] };
}

async function main(): Promise<void> {
  requireRoot('npm run image-load');
  const { stateFile, images } = parseArgs(process.argv.slice(2));
  if (images.length === 0) throw new Error('usage: npm run image-load -- IMAGE|ARCHIVE.tar [...] [--cluster STATE.json]');
  const state = stateFile ? readState(stateFile) : readLocalState();
  if (!state) throw new Error('no local cluster is running: `npm start` first');
  await loadImages(state, images, (l) => console.log(`pikube: ${l}`));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`pikube: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
