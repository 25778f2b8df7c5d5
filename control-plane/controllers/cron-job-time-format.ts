/**
 * The two time formats the CronJob controller writes: RFC 3339 in the CronJob's zone (the
 * scheduled-timestamp annotation, Go's `t.In(loc).Format(time.RFC3339)`: "Z" when the offset
 * is zero) and RFC 1123 with a numeric zone, in UTC (the MissSchedule event).
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-12-07T11:05:00+01:00` for Europe/Paris, `2026-12-07T10:05:00Z` for UTC. */
export function formatRfc3339InZone(date: Date, timeZone: string): string {
  const seconds = Math.floor(date.getTime() / 1000) * 1000;
  const offsetMinutes = zoneOffsetMinutes(new Date(seconds), timeZone);
  const local = new Date(seconds + offsetMinutes * 60_000);
  const wall = local.toISOString().slice(0, 19);
  return `${wall}${formatOffset(offsetMinutes, true)}`;
}

/** Go's time.RFC1123Z of the UTC time: `Mon, 07 Dec 2026 10:05:00 +0000`. */
export function formatRfc1123z(date: Date): string {
  const d = date;
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** The zone's offset from UTC at `date`, in minutes east. */
function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - date.getTime()) / 60_000);
}

function formatOffset(minutes: number, zuluWhenZero: boolean): string {
  if (minutes === 0 && zuluWhenZero) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
