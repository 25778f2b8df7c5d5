/**
 * The image's cache key: a hash of everything that decides what the build produces. That is
 * the build code itself (the compiled recipe, guest files and build steps, so any change to
 * them rebuilds) and the contents of the host binaries copied in. Debian's archive moving on
 * is not in it: a cached image keeps the package versions it was built with.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, realpathSync } from 'node:fs';
import { HOST_BINARIES } from './vm-image-recipe';

/** The compiled modules whose text decides the image (resolved next to this file). */
const RECIPE_MODULES = ['./vm-image-recipe', './guest-files', './job-dir', './vm-image-build'];

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Hex key, short enough for a directory name, long enough never to collide in one cache. */
export async function imageKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const mod of RECIPE_MODULES) hash.update(`${mod}\0${readFileSync(require.resolve(mod), 'utf8')}\0`);
  for (const bin of HOST_BINARIES) hash.update(`${bin}\0${await hashFile(realpathSync(bin))}\0`);
  return hash.digest('hex').slice(0, 20);
}
