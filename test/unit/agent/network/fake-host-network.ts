/**
 * A hand-written stand-in for a node's `ip route`, `sysctl` and iptables binaries, for tests
 * of the pod network's logic: it keeps a routing table (lines as `ip -o route show` prints
 * them), the jumps inserted, and every command run. Real behaviour is covered by the e2e test.
 */
import type { CommandOutput, CommandRunner } from '../../../../agent/network/command-runner';

export class FakeHostNetwork {
  readonly calls: { cmd: string; args: string[]; input?: string }[] = [];
  /** The main routing table, one `ip -o route show` line each. */
  routes: string[] = ['default via 192.168.1.1 dev eth0', '192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.11'];
  /** Table `local`, routes of type local only: `local <cidr> dev lo proto N` lines. */
  localRoutes: string[] = [];
  readonly jumps = new Set<string>();
  sysctls = new Map<string, string>();
  /** Commands (by name) that fail, to test retries. */
  failing = new Set<string>();

  readonly run: CommandRunner = async (cmd, args, input) => {
    this.calls.push({ cmd, args, input });
    await Promise.resolve();
    if (this.failing.has(cmd)) return { stdout: '', stderr: `${cmd}: simulated failure`, code: 1 };
    if (cmd === 'ip') return this.ip(args);
    if (cmd === 'sysctl') return this.sysctl(args);
    return this.iptables(cmd, args);
  };

  restores(): string[] {
    return this.calls.filter((c) => c.cmd.endsWith('-restore')).map((c) => c.input ?? '');
  }

  commands(cmd: string): string[] {
    return this.calls.filter((c) => c.cmd === cmd).map((c) => c.args.join(' '));
  }

  private ip(args: string[]): CommandOutput {
    if (args.includes('table') && args[args.indexOf('table') + 1] === 'local') return this.ipLocal(args);
    const [, , verb, destination = '', ...rest] = args; // -4 route <verb> ...
    if (args[1] === '-o' && args[3] === 'show') return ok(this.show(args.slice(4)));
    if (verb === 'replace') this.routes = [...this.routes.filter((r) => !r.startsWith(`${destination} `)), `${destination} ${rest.join(' ')} dev eth0`];
    else if (verb === 'del') this.routes = this.routes.filter((r) => !r.startsWith(`${destination} `));
    return ok('');
  }

  /** `-4 -o route show table local proto N`, `-4 route replace|del local <cidr> dev lo table local proto N`. */
  private ipLocal(args: string[]): CommandOutput {
    if (args[1] === '-o') return ok(this.localRoutes.filter((r) => r.endsWith(` proto ${args[args.length - 1]}`)).map((l) => `${l}\n`).join(''));
    const [, , verb, , destination = ''] = args;
    this.localRoutes = this.localRoutes.filter((r) => !r.startsWith(`local ${destination} `));
    if (verb === 'replace') this.localRoutes.push(`local ${destination} dev lo proto ${args[args.length - 1]}`);
    return ok('');
  }

  /** `show` or `show proto N` (the order of words in the line differs from real ip: fine for parsing). */
  private show(filter: string[]): string {
    const lines = filter[0] === 'proto' ? this.routes.filter((r) => r.includes(` proto ${filter[1]}`)) : this.routes;
    return lines.map((l) => `${l}\n`).join('');
  }

  private sysctl(args: string[]): CommandOutput {
    const [key = '', value = ''] = (args[1] ?? '').split('=');
    this.sysctls.set(key, value);
    return ok('');
  }

  private iptables(cmd: string, args: string[]): CommandOutput {
    if (cmd.endsWith('-save')) return ok(':DOCKER - [0:0]\n');
    const rule = args.slice(args.indexOf('-t')).filter((a) => a !== '-C' && a !== '-I').join(' ');
    if (args.includes('-C')) return this.jumps.has(rule) ? ok('') : { stdout: '', stderr: 'Bad rule', code: 1 };
    if (args.includes('-I')) this.jumps.add(rule);
    return ok('');
  }
}

function ok(stdout: string): CommandOutput {
  return { stdout, stderr: '', code: 0 };
}
