/**
 * A full garbage collection on demand, without starting node with --expose-gc: for tests of
 * things that must survive one (timeouts only a weakly holding AbortSignal.any refers to).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(times = 3): void {
  for (let i = 0; i < times; i++) gc();
}
