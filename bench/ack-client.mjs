// The load generator of `npm run bench`, in a process of its own. Slack's requests come from
// elsewhere: measured from inside the bot's process, the client's own signing, sockets and
// timing queued on the bot's event loop and made even a bare Bolt app look slow (p99 445 ms at
// concurrency 50). Plain JavaScript, so it starts without tsx.
// Input (argv[2], JSON): { url, count, secret, responseUrls, member, lines?, concurrency?, rate? }
//   lines: the commands to send, cycled ({ command, text }); default half `/update plaats …`
//   (a write), half `/help`.
//   concurrency: closed loop, that many requests in flight at a time (default 10).
//   rate: open loop instead, one request every 1000/rate ms whatever the answers (throughput).
// Output (stdout, JSON): { acks, sent }: each request's ack time in ms (null for no ack) and
// when it was sent (ms since the epoch, performance.timeOrigin + now(): the same clock as the
// bench process, which records when each reply arrived at the fake Slack).
import { createHmac, randomUUID } from 'node:crypto';

const { url, count, concurrency = 10, rate, offset = 0, secret, responseUrls, member, lines } = JSON.parse(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();

function line(i) {
  if (lines) return lines[i % lines.length];
  return i % 2 === 0 ? { command: '/update', text: `plaats #algemeen Benchmarkbericht ${i} over samenwerking met de gemeente` } : { command: '/help', text: '' };
}

/** A command signed as Slack signs them. */
function signedCommand(i, responseUrl) {
  const { command, text } = line(offset + i);
  const body = new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'alliantie',
    channel_id: 'C0BENCH',
    channel_name: 'bench',
    user_id: member,
    user_name: member,
    command,
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: `trg-${randomUUID()}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature } };
}

const acks = new Array(count).fill(null);
const sent = new Array(count).fill(null);

async function fire(n) {
  const { body, headers } = signedCommand(n, responseUrls[n]);
  const started = performance.now();
  sent[n] = now();
  try {
    const response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    acks[n] = response.status === 200 ? performance.now() - started : null;
  } catch {
    // A reset connection is a lost ack for Slack: counted, as never acknowledged.
    acks[n] = null;
  }
}

if (rate) {
  // Open loop: on schedule, however far behind the answers are (as a busy alliance would).
  const every = 1000 / rate;
  const start = performance.now();
  const inFlight = [];
  for (let n = 0; n < count; n++) {
    const wait = start + n * every - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(fire(n));
  }
  await Promise.all(inFlight);
} else {
  let next = 0;
  const lane = async () => {
    while (next < count) await fire(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}
process.stdout.write(JSON.stringify({ acks, sent }));
