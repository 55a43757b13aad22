// The load generator of bench/ack.ts, in a process of its own. Slack's requests come from
// elsewhere: measured from inside the bot's process, the client's own signing, sockets and
// timing queued on the bot's event loop and made even a bare Bolt app look slow (p99 445 ms at
// concurrency 50). Plain JavaScript, so it starts without tsx.
// Input (argv[2], JSON): { url, count, concurrency, offset, secret, responseUrls, member }.
// Output (stdout, JSON): each command's ack time in ms, null for no ack.
import { createHmac, randomUUID } from 'node:crypto';

const { url, count, concurrency, offset, secret, responseUrls, member } = JSON.parse(process.argv[2]);

/** Half `/update plaats …` (a write), half `/help`, signed as Slack signs them. */
function signedCommand(i, responseUrl) {
  const write = i % 2 === 0;
  const body = new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'alliantie',
    channel_id: 'C0BENCH',
    channel_name: 'bench',
    user_id: member,
    user_name: member,
    command: write ? '/update' : '/help',
    text: write ? `plaats #algemeen Benchmarkbericht ${i} over samenwerking met de gemeente` : '',
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: `trg-${randomUUID()}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature } };
}

const acks = [];
let next = 0;
const lane = async () => {
  while (next < count) {
    const n = next++;
    const { body, headers } = signedCommand(offset + n, responseUrls[n]);
    const started = performance.now();
    try {
      const response = await fetch(url, { method: 'POST', body, headers });
      await response.arrayBuffer();
      acks.push(response.status === 200 ? performance.now() - started : null);
    } catch {
      // A reset connection is a lost ack for Slack: counted, as never acknowledged.
      acks.push(null);
    }
  }
};
await Promise.all(Array.from({ length: concurrency }, lane));
process.stdout.write(JSON.stringify(acks));
