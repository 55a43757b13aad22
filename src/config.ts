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

// ---- H18: advice follow-up targets -------------------------------------------------------
// Working time is Mon–Fri 09:00–17:00, so a working day is 8 working hours: `2d` and `16h`
// (or `16u`) mean the same. Unset: the defaults of src/core/advice/targets.ts.
const WORKING_DAY_MINUTES = 8 * 60;
const workingDuration = optionalString.pipe(
  z
    .string()
    .regex(/^\d{1,4}(\.\d{1,2})?\s*[dhu]$/i, 'expected working days or hours, e.g. 2d or 4h')
    .transform((value) => Math.round(parseFloat(value) * (/d$/i.test(value) ? WORKING_DAY_MINUTES : 60)))
    .refine((minutes) => minutes > 0, 'expected a duration above zero, e.g. 2d or 4h')
    .optional(),
);

const adviceEnv = {
  ADVICE_FIRST_RESPONSE: workingDuration,
  ADVICE_URGENT_FIRST_RESPONSE: workingDuration,
  ADVICE_ESCALATION_FACTOR: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,2}(\.\d{1,2})?$/, 'expected a number of at least 1, e.g. 1.5')
      .transform(Number)
      .refine((factor) => factor >= 1, 'expected a number of at least 1, e.g. 1.5')
      .optional(),
  ),
  ADVICE_NUDGE_AFTER: workingDuration,
  ADVICE_AUTO_CLOSE_AFTER: workingDuration,
  ADVICE_REOPEN_DAYS: optionalString.pipe(
    z
      .string()
      .regex(/^\d{1,4}$/, 'expected a whole number of calendar days, e.g. 30')
      .transform(Number)
      .refine((days) => days >= 1 && days <= 3650, 'expected a whole number of calendar days, 1 to 3650')
      .optional(),
  ),
};

/** Only what the environment sets; minutes are working minutes, reopenDays calendar days. */
export interface AdviceTargetOverrides {
  firstResponseMinutes?: number;
  urgentFirstResponseMinutes?: number;
  escalationFactor?: number;
  nudgeAfterMinutes?: number;
  autoCloseAfterMinutes?: number;
  reopenDays?: number;
}

function adviceTargetOverrides(raw: z.output<z.ZodObject<typeof adviceEnv>>): AdviceTargetOverrides {
  const all: AdviceTargetOverrides = {
    firstResponseMinutes: raw.ADVICE_FIRST_RESPONSE,
    urgentFirstResponseMinutes: raw.ADVICE_URGENT_FIRST_RESPONSE,
    escalationFactor: raw.ADVICE_ESCALATION_FACTOR,
    nudgeAfterMinutes: raw.ADVICE_NUDGE_AFTER,
    autoCloseAfterMinutes: raw.ADVICE_AUTO_CLOSE_AFTER,
    reopenDays: raw.ADVICE_REOPEN_DAYS,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}
// ---- end H18 --------------------------------------------------------------------------------

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
    ...adviceEnv, // H18
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
  /** H18: advice follow-up targets that differ from the defaults (src/core/advice/targets.ts). */
  adviceTargets: AdviceTargetOverrides;
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
    adviceTargets: adviceTargetOverrides(raw), // H18
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
