import assert from 'node:assert/strict';
import { createLogger, partLogger } from '../../../../base/log/logger';
import { parseLogText, textLog } from '../../../../base/log/text-log';

/** A logger whose lines are kept, parsed. */
function captured(component: string): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ component, destination: { write: (s: string) => { for (const l of s.split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>); } } });
  return { lines, logger };
}

describe('JSON logging', () => {
  it('writes one JSON line per event with time, level name, component and message', () => {
    const { lines, logger } = captured('agent');
    logger.warn('swap is on');
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.deepEqual([line.level, line.component, line.message], ['warn', 'agent', 'swap is on']);
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('keeps keys, tokens and Authorization headers out of the log wherever they sit', () => {
    const { lines, logger } = captured('server');
    logger.info({ config: { nodeName: 'pi1', keyPem: '-----BEGIN PRIVATE KEY-----', token: 'abcdef.0123456789abcdef' }, headers: { authorization: 'Bearer s3cret' } }, 'config');
    const text = JSON.stringify(lines[0]);
    for (const secret of ['PRIVATE KEY', 'abcdef.0123', 's3cret']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    assert.equal((lines[0].config as Record<string, unknown>).nodeName, 'pi1');
  });

  it('turns "[part] WARNING: …" text into a warn line of component agent.part', () => {
    const { lines, logger } = captured('agent');
    const log = textLog(logger);
    log('[services] WARNING: no DOCKER chain');
    log('connecting to 192.168.1.10:6444');
    log('BUG: unhandled rejection: x');
    assert.deepEqual(lines.map((l) => [l.level, l.component, l.message]), [
      ['warn', 'agent.services', 'no DOCKER chain'],
      ['info', 'agent', 'connecting to 192.168.1.10:6444'],
      ['error', 'agent', 'BUG: unhandled rejection: x'],
    ]);
  });

  it('writes one component per line, the part\'s, in a part\'s lines and its children\'s', () => {
    const raw: string[] = [];
    const logger = createLogger({ component: 'agent', destination: { write: (s: string) => { raw.push(...s.split('\n').filter(Boolean)); } } });
    const log = textLog(logger);
    log('[network] pod bridge up');
    log('[network] WARNING: no route to pi2');
    partLogger(partLogger(logger, 'pods'), 'probes').info({ pod: 'web-1' }, 'readiness failed');
    logger.info('started');
    assert.equal(raw.length, 4);
    for (const line of raw) assert.equal(line.match(/"component"/g)?.length, 1, `one component key: ${line}`);
    assert.deepEqual(raw.map((l) => (JSON.parse(l) as Record<string, unknown>).component), ['agent.network', 'agent.network', 'agent.pods.probes', 'agent']);
    assert.equal((JSON.parse(raw[2] ?? '{}') as Record<string, unknown>).pod, 'web-1');
  });

  it('leaves text without a part prefix whole', () => {
    assert.deepEqual(parseLogText('[not a part] x'), { part: undefined, level: 'info', message: '[not a part] x' });
  });
});
