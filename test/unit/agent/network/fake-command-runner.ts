/**
 * A hand-written stand-in for the iptables binaries, for tests of the applier's own logic
 * (coalescing, no-op on unchanged text): records every command and answers as an empty,
 * healthy iptables would. Real behaviour is covered by the integration tests.
 */
import type { CommandOutput, CommandRunner } from '../../../../agent/network/command-runner';

export class FakeCommandRunner {
  readonly calls: { cmd: string; args: string[]; input?: string }[] = [];
  /** What `iptables-save` prints; tests set it to simulate the tables. */
  saved = '';

  readonly run: CommandRunner = async (cmd, args, input) => {
    this.calls.push({ cmd, args, input });
    await Promise.resolve();
    return this.answer(cmd, args);
  };

  restores(): string[] {
    return this.calls.filter((c) => c.cmd.endsWith('-restore')).map((c) => c.input ?? '');
  }

  private answer(cmd: string, args: string[]): CommandOutput {
    if (cmd.endsWith('-save')) return { stdout: this.saved, stderr: '', code: 0 };
    if (args.includes('-C')) return { stdout: '', stderr: 'Bad rule', code: 1 };
    return { stdout: '', stderr: '', code: 0 };
  }
}
