// Prisma 7 CLI configuration: where the schema and migrations live, and which database
// `prisma migrate status|deploy` talk to (DATABASE_URL, only when set: the app itself defaults
// to an embedded PGlite that the CLI cannot reach).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The CLI downloads the native schema engine before `generate`, `validate`, `format` and
// `version`, even though those never run it. Offline that download fails and breaks
// `npm install` (postinstall runs `prisma generate`). So, only when the engine is not where
// @prisma/engines would put it and the command does not need it, point the CLI at an existing
// executable. Machines that have the real engine keep it, and `migrate`/`db` still try to fetch it.
const commandsWithoutEngine = new Set(['generate', 'validate', 'format', 'version', '--version', '-v']);

function nativeSchemaEngineDir(): string | undefined {
  try {
    // @prisma/engines as the CLI resolves it: from the prisma package.
    const fromPrisma = createRequire(createRequire(import.meta.url).resolve('prisma/package.json'));
    return path.dirname(fromPrisma.resolve('@prisma/engines/package.json'));
  } catch {
    return undefined;
  }
}

function hasNativeSchemaEngine(): boolean {
  const dir = nativeSchemaEngineDir();
  if (!dir || !existsSync(dir)) return false;
  // The download lands as `schema-engine-<binaryTarget>` (e.g. schema-engine-debian-openssl-3.0.x).
  return readdirSync(dir).some((name) => name.startsWith('schema-engine-') && !name.includes('.sha256') && !name.endsWith('.gz'));
}

// The first CLI argument that is not a flag (or the value of --config) names the command.
function cliCommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--version' || arg === '-v' || !arg.startsWith('-')) return arg;
    if (arg === '--config') i++;
  }
  return '';
}

const command = cliCommand(process.argv.slice(2));
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && commandsWithoutEngine.has(command) && !hasNativeSchemaEngine()) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
