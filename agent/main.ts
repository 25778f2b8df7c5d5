/** `pikube-agent`: runs on every Pi (systemd unit), or inside a simulated node's namespace. */
import { Agent } from './agent';
import { parseAgentConfig } from './agent-config';

function main(): void {
  let agent: Agent;
  try {
    agent = new Agent(parseAgentConfig(process.argv.slice(2)));
  } catch (err) {
    console.error(`pikube-agent: ${(err as Error).message}`);
    process.exit(2);
  }
  agent.start().catch((err: unknown) => {
    console.error(`pikube-agent: ${(err as Error).message}`);
    process.exit(1);
  });
  const stop = (signal: string): void => {
    console.log(`pikube-agent: ${signal}, stopping (containers keep running)`);
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main();
