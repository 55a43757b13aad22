// A bare Bolt 5 app over HTTP that only acks, with a /healthz route: the baseline of figure 7
// (idle RSS, time to ready), started as its own process like `npm run start:prod`. Plain
// JavaScript: no tsx. Env: PORT, SLACK_API_URL.
import bolt from '@slack/bolt';

const app = new bolt.App({
  token: 'xoxb-bench-token',
  signingSecret: 'bench-signing-secret-0123456789',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: bolt.LogLevel.ERROR,
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('{"status":"ok"}') }],
});
app.command(/.*/, async ({ ack }) => ack());
await app.start({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));
