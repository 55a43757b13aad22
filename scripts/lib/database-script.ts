// The shell of a maintenance script that works on the bot's database (prune, audit:verify,
// keys:rotate): `.env` read as `npm start` does, the configuration checked, the database opened
// for the script's body and closed after it, the exit code set; a wrong setting is one line
// naming the variable, any other failure its first line.
import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { ConfigError, formatConfigError, loadConfig, type Config } from '../../src/config.ts';
import { translator, type Translate } from '../../src/core/i18n.ts';
import { openDatabase, type Database } from '../../src/db/index.ts';

export interface ScriptContext {
  config: Config;
  t: Translate;
  /** Opens the database for `body` and closes it afterwards. */
  withDatabase<T>(body: (db: Database) => Promise<T>): Promise<T>;
}

export async function runDatabaseScript(main: (ctx: ScriptContext) => Promise<number>): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    const config = loadConfig();
    const withDatabase = async <T>(body: (db: Database) => Promise<T>): Promise<T> => {
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: pino({ level: 'silent' }) });
      try {
        return await body(db);
      } finally {
        await db.close();
      }
    };
    process.exitCode = await main({ config, t: translator(config.defaultLocale), withDatabase });
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`${formatConfigError(error)}\n`);
    else process.stderr.write(`${(error as Error).message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
