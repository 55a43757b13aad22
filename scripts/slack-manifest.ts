// npm run slack:manifest [-- --socket] [-- --url https://binnenuit.example.org] [-- --out file]
// Writes the Slack app manifest (slash commands from the declarations, scopes, events, request
// URLs or Socket Mode) to slack-manifest.json and prints it. See src/adapters/slack/README.md.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { commands } from '../commands/index.ts';
import { buildManifest } from '../src/adapters/slack/manifest.ts';

const PLACEHOLDER_URL = 'https://binnenuit.example.org';

const { values } = parseArgs({
  options: {
    socket: { type: 'boolean', default: false },
    url: { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string', default: 'slack-manifest.json' },
  },
});

if (values.url && !/^https:\/\/[^\s/]+/.test(values.url)) {
  process.stderr.write(`--url must be the public https:// address of the bot, e.g. ${PLACEHOLDER_URL}\n`);
  process.exit(1);
}
if (!values.socket && !values.url) {
  process.stderr.write(
    `No --url given: the manifest uses ${PLACEHOLDER_URL}. Replace it, or run again with --url https://… (or --socket for Socket Mode).\n`,
  );
}

const manifest = buildManifest(commands, { socket: values.socket, url: values.url ?? PLACEHOLDER_URL, name: values.name });
const json = `${JSON.stringify(manifest, null, 2)}\n`;
const out = resolve(values.out);
writeFileSync(out, json);
process.stdout.write(json);
process.stderr.write(`Written to ${out}\n`);
