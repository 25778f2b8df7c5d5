/** `pikube-agent`: runs on every Pi (systemd unit), or inside a simulated node's namespace. */
import { parseAgentConfig, wantsCleanup } from './agent-config';
import { localCommandRunner } from './network/command-runner';
import { cleanupNode, describeCleanup } from './network/node-cleanup';

/** `--cleanup`: exit 0 once nothing of ours is left, 1 naming what could not be removed. */
async function cleanup(): Promise<number> {
  try {
    const report = await cleanupNode(localCommandRunner);
    for (const line of describeCleanup(report)) console.log(`pikube-agent --cleanup: ${line}`);
    return 0;
  } catch (err: unknown) {
    const errors: unknown[] = err instanceof AggregateError ? err.errors : [err];
    for (const e of errors) console.error(`pikube-agent --cleanup: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

async function runAgent(argv: string[]): Promise<void> {
  // Loaded here, not at the top: `--cleanup` needs none of it (Docker, gRPC).
  const { Agent } = await import('./agent');
  // Timestamped lines: the simulation's log files have no journald to stamp them.
  const log = (m: string): void => console.log(`${new Date().toISOString()} ${m}`);
  let agent: InstanceType<typeof Agent>;
  try {
    agent = new Agent(parseAgentConfig(argv), log);
  } catch (err) {
    console.error(`pikube-agent: ${(err as Error).message}`);
    process.exit(2);
  }
  agent.start().catch((err: unknown) => {
    console.error(`pikube-agent: ${(err as Error).message}`);
    process.exit(1);
  });
  const stop = (signal: string): void => {
    log(`pikube-agent: ${signal}, stopping (containers keep running)`);
    void agent.stop().then(() => process.exit(0));
  };
  // A bug in one handler must not take every pod's DNS and proxy down with it: say it loudly, go on.
  process.on('unhandledRejection', (reason) => log(`BUG: unhandled rejection: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

function main(): void {
  const argv = process.argv.slice(2);
  if (wantsCleanup(argv)) {
    void cleanup().then((code) => process.exit(code));
    return;
  }
  runAgent(argv).catch((err: unknown) => {
    console.error(`pikube-agent: ${(err as Error).message}`);
    process.exit(1);
  });
}

main();
