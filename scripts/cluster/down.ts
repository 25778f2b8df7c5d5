/**
 * `npm stop`: removes this checkout's simulated cluster, and leftovers of dead ones.
 * Idempotent: with nothing running it says so and succeeds.
 */
import { cleanLeftovers } from './leftovers';
import { downCluster } from './cluster';
import { readLocalState, requireRoot } from './local-cluster';

function say(line: string): void {
  console.log(`pikube: ${line}`);
}

async function main(): Promise<void> {
  requireRoot('npm stop');
  const state = readLocalState();
  if (state) {
    say(`stopping the local cluster ${state.id}`);
    await downCluster(state);
    say('stopped');
  } else {
    say('no local cluster is running');
  }
  const problems = await cleanLeftovers(say);
  if (problems.length > 0) throw new Error(`could not remove everything:\n${problems.join('\n')}`);
}

main().catch((err: unknown) => {
  console.error(`pikube: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
