// The environment, parsed and checked once at start-up. A wrong value stops the process with
// one line naming the variable (see formatConfigError), never a stack trace.
import { z } from 'zod';

const platformUser = z
  .string()
  .regex(/^(slack|discord|console):[A-Za-z0-9._-]+$/, 'expected platform:userId, e.g. slack:U123');

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const optionalUrl = (example: string) =>
  optionalString.pipe(z.url(`expected a URL like ${example}`).optional());

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// H20: retention periods from the environment, in days, by the rule they set
// (src/core/privacy/retention.ts; unset: the rule's default). Events covers the inbox keys too.
const retentionVariables = {
  RETENTION_SENT_DAYS: ['sent'],
  RETENTION_EVENTS_DAYS: ['events', 'inbox'],
  RETENTION_AUDIT_DAYS: ['audit'],
  RETENTION_ADVICE_DAYS: ['advice'],
  RETENTION_DIGESTS_DAYS: ['digests'],
} as const;
const retentionDays = optionalString.pipe(
  z
    .string()
    .regex(/^\d{1,5}$/, 'expected a whole number of days, e.g. 365')
    .transform(Number)
    .refine((days) => days >= 1, 'expected at least 1 day')
    .optional(),
);

function retentionOverrides(raw: Partial<Record<keyof typeof retentionVariables, number | undefined>>): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [variable, rules] of Object.entries(retentionVariables)) {
    const days = raw[variable as keyof typeof retentionVariables];
    if (days !== undefined) for (const rule of rules) overrides[rule] = days;
  }
  return overrides;
}

export const configSchema = z
  .object({
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected postgresql://user:password@host:5432/database')
        .optional(),
    ),
    DATA_DIR: optionalString.transform((value) => value ?? './data'),
    SLACK_BOT_TOKEN: optionalString.pipe(
      z.string().startsWith('xoxb-', 'expected a bot token starting with xoxb-').optional(),
    ),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: optionalString.pipe(
      z.string().startsWith('xapp-', 'expected an app-level token starting with xapp-').optional(),
    ),
    SLACK_API_URL: optionalUrl('https://slack.com/api/'),
    SLACK_ALLOWED_TEAMS: optionalString.pipe(
      z
        .string()
        .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^T[A-Z0-9]{1,20}$/, 'expected Slack team ids like T0123ABCD, comma-separated')))
        .optional(),
    ),
    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: optionalString.pipe(
      z.string().regex(/^\d{5,25}$/, 'expected the numeric application id').optional(),
    ),
    DISCORD_API_URL: optionalUrl('https://discord.com/api'),
    DISCORD_GUILD_ID: optionalString.pipe(
      z.string().regex(/^\d{5,25}$/, 'expected a numeric server (guild) id').optional(),
    ),
    DISCORD_MESSAGE_CONTENT: optionalString.pipe(z.enum(['true', 'false'], 'expected true or false').optional()),
    PORT: optionalString.pipe(
      z
        .string()
        .regex(/^\d{1,5}$/, 'expected a port number 0-65535')
        .transform(Number)
        .refine((port) => port <= 65535, 'expected a port number 0-65535')
        .optional(),
    ),
    HOST: optionalString.transform((value) => value ?? '0.0.0.0'),
    TIMEZONE: optionalString
      .transform((value) => value ?? 'Europe/Amsterdam')
      .refine(isTimeZone, 'expected an IANA time zone such as Europe/Amsterdam'),
    DEFAULT_LOCALE: optionalString.pipe(z.enum(['nl', 'en'], 'expected nl or en').optional()),
    ENCRYPTION_KEY: optionalString.pipe(
      z.string().min(16, 'expected at least 16 characters (32 random bytes as hex or base64 is best)').optional(),
    ),
    LOG_LEVEL: optionalString.pipe(z.enum(logLevels, `expected one of ${logLevels.join(', ')}`).optional()),
    // H12: what happens to a deleted member's updates.
    PRIVACY_UPDATES_ON_ERASE: optionalString.pipe(z.enum(['anonymise', 'remove'], 'expected anonymise or remove').optional()),
    // H20: retention periods (days).
    RETENTION_SENT_DAYS: retentionDays,
    RETENTION_EVENTS_DAYS: retentionDays,
    RETENTION_AUDIT_DAYS: retentionDays,
    RETENTION_ADVICE_DAYS: retentionDays,
    RETENTION_DIGESTS_DAYS: retentionDays,
    ADMINS: optionalString.pipe(
      z
        .string()
        .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
        .pipe(z.array(platformUser))
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
    if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) {
      ctx.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'required with DISCORD_TOKEN' });
    }
  });

export type RawConfig = z.output<typeof configSchema>;

export interface Config {
  databaseUrl?: string;
  dataDir: string;
  port: number;
  /** PORT was set: the console then serves HTTP too (/healthz, calendar feeds). */
  portExplicit: boolean;
  host: string;
  timezone: string;
  defaultLocale: 'nl' | 'en';
  /** Undefined means: derive a per-installation key under DATA_DIR (see core/crypto). */
  encryptionKey?: string;
  logLevel: (typeof logLevels)[number];
  admins: string[];
  /** A deleted member's updates: kept under "verwijderd lid" (default) or removed. */
  privacyUpdatesOnErase: 'anonymise' | 'remove';
  /** H20: retention periods other than the defaults, in days by rule name (RETENTION_*_DAYS). */
  retentionDays: Record<string, number>;
  /** allowedTeams: workspaces besides the bot's own whose requests are served. */
  slack?: { botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string; allowedTeams: string[] };
  /** messageContent: the privileged intent that lets the bot read replies in its threads. */
  discord?: { token: string; applicationId: string; apiUrl?: string; guildId?: string; messageContent: boolean };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly problem: string) {
    super(`${variable}: ${problem}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const raw = parsed.data;
  return {
    databaseUrl: raw.DATABASE_URL,
    dataDir: raw.DATA_DIR,
    port: raw.PORT ?? 3000,
    portExplicit: raw.PORT !== undefined,
    host: raw.HOST,
    timezone: raw.TIMEZONE,
    defaultLocale: raw.DEFAULT_LOCALE ?? 'nl',
    encryptionKey: raw.ENCRYPTION_KEY,
    // The console shares the terminal with its replies: only warnings unless asked for more.
    logLevel: raw.LOG_LEVEL ?? (raw.SLACK_BOT_TOKEN || raw.DISCORD_TOKEN ? 'info' : 'warn'),
    admins: raw.ADMINS ?? [],
    privacyUpdatesOnErase: raw.PRIVACY_UPDATES_ON_ERASE ?? 'anonymise',
    retentionDays: retentionOverrides(raw),
    slack: raw.SLACK_BOT_TOKEN
      ? {
          botToken: raw.SLACK_BOT_TOKEN,
          signingSecret: raw.SLACK_SIGNING_SECRET,
          appToken: raw.SLACK_APP_TOKEN,
          apiUrl: raw.SLACK_API_URL,
          allowedTeams: raw.SLACK_ALLOWED_TEAMS ?? [],
        }
      : undefined,
    discord:
      raw.DISCORD_TOKEN && raw.DISCORD_APPLICATION_ID
        ? {
            token: raw.DISCORD_TOKEN,
            applicationId: raw.DISCORD_APPLICATION_ID,
            apiUrl: raw.DISCORD_API_URL,
            guildId: raw.DISCORD_GUILD_ID,
            messageContent: raw.DISCORD_MESSAGE_CONTENT === 'true',
          }
        : undefined,
  };
}

/** The one line printed when start-up refuses a configuration. */
export function formatConfigError(error: ConfigError): string {
  return `Configuration error: ${error.variable} ${error.problem}`;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
