/**
 * A dashboard-like live client in its own process (so that the load generator's busy event loop does not delay
 * what it receives): logs in, subscribes to the country, and prints one line per delta that carries `sourceAt`
 * and the marker reason: the agent → dashboard latency in ms, and the part of it from the server's receipt (the
 * delta's `at`). Args: base URL, username, password, reason.
 */
import WebSocket from 'ws';

const [base, username, password, marker] = process.argv.slice(2) as [string, string, string, string];
const login = await fetch(`${base}/api/v1/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username, password }),
});
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
const live = new WebSocket(`${base.replace('http', 'ws')}/api/v1/live`, { headers: { cookie } });
live.on('message', (d) => {
  const now = Date.now();
  const f = JSON.parse(String(d));
  if (f.type === 'snapshot') process.stdout.write('ready\n');
  if (f.type === 'deltas')
    for (const x of f.deltas)
      if (x.sourceAt && x.reasons.includes(marker))
        process.stdout.write(`${now - Date.parse(x.sourceAt)} ${now - Date.parse(x.at)}\n`);
});
live.on('open', () => {
  process.stderr.write('[live-subscriber] connected, subscribing\n');
  live.send(JSON.stringify({ type: 'subscribe', scope: { kind: 'country' } }));
});
live.on('unexpected-response', (_q, res) => {
  process.stderr.write(`[live-subscriber] refused: ${res.statusCode}\n`);
  process.exit(1);
});
live.on('close', () => process.exit(0));
