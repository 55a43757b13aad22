// Signed slash commands as Slack sends them, for tests that drive a whole running bot (in this
// process or another one) over HTTP: what comes back is the acknowledgement; the answer arrives
// at the response_url on the FakeSlack.
import { randomUUID } from 'node:crypto';
import { SIGNING_SECRET, sign } from '../slack/harness.ts';
import type { FakeSlack } from '../slack/fake-slack.ts';

export interface SentCommand {
  status: number;
  ackMs: number;
  responseUrl: string;
  triggerId: string;
}

export async function sendSlashCommand(baseUrl: string, fake: FakeSlack, userId: string, command: string, text: string, secret = SIGNING_SECRET): Promise<SentCommand> {
  const responseUrl = fake.responseUrl();
  const triggerId = `trg-${randomUUID()}`;
  const raw = new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'alliantie',
    channel_id: 'C0ALLIANTIE',
    channel_name: 'alliantie',
    user_id: userId,
    user_name: userId,
    command: `/${command}`,
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: triggerId,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(secret, timestamp, raw),
    },
    body: raw,
  });
  await response.text();
  return { status: response.status, ackMs: performance.now() - started, responseUrl, triggerId };
}

/** Resolves with the first answer posted to this response_url, and how long after `since` it came. */
export async function answerAt(fake: FakeSlack, responseUrl: string, timeoutMs = 10_000): Promise<{ text: string; at: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const post = fake.postsTo(responseUrl)[0];
    if (post) return { text: JSON.stringify(post.body), at: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no answer at ${responseUrl} within ${timeoutMs} ms`);
}

export async function healthStatus(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/healthz`);
  await response.text();
  return response.status;
}
