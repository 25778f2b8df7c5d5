/**
 * A client polling one URL at a fixed interval, run as its own process inside a simulated
 * node's namespace (`nsenter --net=… node http-poller.js URL INTERVAL_MS TIMEOUT_MS`), so the
 * traffic goes where a real client's would. Each request starts on the interval whether or
 * not the previous one finished, and prints one JSON line when it ends:
 * `{"start":<ms>,"end":<ms>,"ok":true|false}` (ok: a 200 within the timeout). Runs until SIGTERM.
 */
import http from 'node:http';

export interface PollResult {
  start: number;
  end: number;
  ok: boolean;
}

function once(url: string, timeoutMs: number): void {
  const start = Date.now();
  let reported = false;
  const report = (ok: boolean): void => {
    if (reported) return;
    reported = true;
    process.stdout.write(`${JSON.stringify({ start, end: Date.now(), ok } satisfies PollResult)}\n`);
  };
  const req = http.get(url, { signal: AbortSignal.timeout(timeoutMs), agent: false }, (res) => {
    res.resume();
    res.on('end', () => report(res.statusCode === 200));
    res.on('error', () => report(false));
  });
  req.on('error', () => report(false));
}

function main([url, interval, timeout]: string[]): void {
  const intervalMs = Number(interval ?? '100');
  const timeoutMs = Number(timeout ?? '1000');
  if (!url || !/^http:\/\/[0-9.]+:\d+\/$/.test(url) || !(intervalMs > 0) || !(timeoutMs > 0)) throw new Error('usage: http-poller URL INTERVAL_MS TIMEOUT_MS');
  const timer = setInterval(() => once(url, timeoutMs), intervalMs);
  process.once('SIGTERM', () => clearInterval(timer));
}

if (require.main === module) main(process.argv.slice(2));
