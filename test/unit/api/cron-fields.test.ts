import assert from 'node:assert/strict';
import { cronFieldError } from '../../../api/cron-fields';
import { parseCronSchedule } from '../../../api/cron-schedule';

describe('cron fields, checked as robfig/cron v3 checks them', () => {
  const refused: [string, string][] = [
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['10-5 * * * *', 'beginning of range (10) beyond end of range (5): 10-5'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*/5/2 * * * *', 'too many slashes: */5/2'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['*/-1 * * * *', 'negative number (-1) not allowed: -1'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['-5 * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ['* * L * *', 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
    ['* * * * 1#2', 'failed to parse int from 1#2: strconv.Atoi: parsing "1#2": invalid syntax'],
    ['* * * * mon-xyz', 'failed to parse int from xyz: strconv.Atoi: parsing "xyz": invalid syntax'],
    ['99999999999999999999 * * * *', 'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ['61 25 * * *', 'end of range (61) above maximum (59): 61'],
  ];
  for (const [spec, error] of refused) {
    it(`refuses ${JSON.stringify(spec)}: ${error}`, () => {
      assert.equal(cronFieldError(spec.split(' ')), error);
      assert.deepEqual(parseCronSchedule(spec), { ok: false, error });
    });
  }

  const accepted = ['*/1 * * * *', '0 */5 * * *', '15-45/15 10 * * 1-5', '0 9 * JAN-mar MON-fri', '? ? ? ? ?', '5/15 * * * *', '0 0 1,15 * sun', '+5 * * * *', '1,,2 * * * *'];
  for (const spec of accepted) {
    it(`accepts ${JSON.stringify(spec)}`, () => {
      assert.equal(cronFieldError(spec.split(' ')), undefined);
      assert.equal(parseCronSchedule(spec).ok, true);
    });
  }
});
