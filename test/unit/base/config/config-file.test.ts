import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFlags, withConfigFile } from '../../../../base/config/config-file';
import { AGENT_FLAGS, parseAgentConfig } from '../../../../agent/agent-config';
import { parseFlags, parseServeConfig, SERVER_FLAGS } from '../../../../control-plane/control-plane-config';

describe('config files (/etc/pikube/*.yaml)', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'pikube-config-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  }

  it('turns settings into flags, lists joined by commas', () => {
    assert.deepEqual(configFlags('a.yaml', 'node-name: pi1\nservers: [192.168.1.10:6444, 192.168.1.11:6444]\nsecure-port: 6443\n', ['node-name', 'servers', 'secure-port']),
      ['--node-name', 'pi1', '--servers', '192.168.1.10:6444,192.168.1.11:6444', '--secure-port', '6443']);
  });

  it('lets every agent flag be set in agent.yaml, and the command line win', () => {
    const pem = file('x.pem', 'PEM');
    const config = file('agent.yaml', `node-name: pi1\nservers: 192.168.1.10:6444\nnode-ip: 192.168.1.11\nca: ${pem}\ncert: ${pem}\nkey: ${pem}\ncluster-domain: home.lan\nfencing-period: 10s\n`);
    const parsed = parseAgentConfig(withConfigFile(['--config', config, '--node-name', 'pi2'], '/nonexistent', AGENT_FLAGS));
    assert.deepEqual([parsed.nodeName, parsed.clusterDomain, parsed.fencingPeriodMs, parsed.servers], ['pi2', 'home.lan', 10_000, ['192.168.1.10:6444']]);
  });

  it('reads the default file when --config is not given, and nothing when it is absent', () => {
    const config = file('server.yaml', 'advertise-address: 192.168.1.10\nservice-cidr: 10.96.0.0/16\n');
    assert.equal(parseServeConfig(parseFlags(withConfigFile([], config, SERVER_FLAGS))).serviceCIDR, '10.96.0.0/16');
    assert.deepEqual(withConfigFile(['--secure-port', '1'], path.join(dir, 'absent.yaml'), SERVER_FLAGS), ['--secure-port', '1']);
  });

  it('refuses an explicit --config file that does not exist', () => {
    assert.throws(() => withConfigFile([`--config=${path.join(dir, 'absent.yaml')}`], '/x', SERVER_FLAGS), /absent\.yaml: ENOENT/);
  });

  it('refuses an unknown setting, naming the file and the key', () => {
    assert.throws(() => configFlags('/etc/pikube/agent.yaml', 'node-nmae: pi1\n', AGENT_FLAGS), /\/etc\/pikube\/agent\.yaml: unknown setting "node-nmae"/);
  });

  it('refuses a mapping as a value, and a file that is not a mapping', () => {
    assert.throws(() => configFlags('f', 'servers: {a: 1}\n', ['servers']), /must be a string, a number, a boolean or a list/);
    assert.throws(() => configFlags('f', '- a\n- b\n', ['servers']), /expected a mapping/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    lines.push('servers: *j');
    assert.throws(() => configFlags('bomb.yaml', `${lines.join('\n')}\n`, ['servers']), /[Aa]lias/);
  });

  it('treats an empty file as no settings', () => {
    assert.deepEqual(configFlags('f', '# nothing yet\n', ['servers']), []);
  });
});
