// Start-up failures said in one line that names the variable to fix. Bolt and the Web API
// client would otherwise log their own lines first ("http request failed fetch failed", a
// JSON object with a stack), and their errors say "A request error occurred: fetch failed",
// which names neither the URL nor the setting.
import { webApi, type Logger as BoltLogger } from '@slack/bolt';

/** Slack's answers that mean: this token is not (or no longer) valid. */
const REFUSED_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'user_removed_from_team', 'team_disabled']);
/** An app-level token where a bot token belongs, or the other way round. */
const WRONG_TOKEN_TYPE = new Set(['not_allowed_token_type', 'missing_scope']);

export type StartupStep = 'auth.test' | 'apps.connections.open';

export function explainStartupError(error: unknown, step: StartupStep, apiUrl: string): Error {
  const coded = error as { code?: string; statusCode?: number; data?: { error?: string }; original?: { cause?: { code?: string } } };
  const variable = step === 'apps.connections.open' ? 'SLACK_APP_TOKEN' : 'SLACK_BOT_TOKEN';
  switch (coded.code) {
    case webApi.ErrorCode.RequestError: {
      const cause = coded.original?.cause?.code;
      return new Error(`Slack's API at SLACK_API_URL (${apiUrl}) is unreachable${cause ? ` (${cause})` : ''}`);
    }
    case webApi.ErrorCode.HTTPError:
      return new Error(`Slack's API at SLACK_API_URL (${apiUrl}) answered HTTP ${coded.statusCode}: is that the Web API base URL?`);
    case webApi.ErrorCode.PlatformError: {
      const answer = coded.data?.error ?? 'error';
      if (REFUSED_TOKEN.has(answer)) return new Error(`Slack refused ${variable} (${answer}): check the token`);
      if (WRONG_TOKEN_TYPE.has(answer)) return new Error(`Slack refused ${variable} (${answer}): is it the right kind of token?`);
      return new Error(`Slack's ${step} failed (${answer}) for ${variable}`);
    }
    default:
      return new Error(`Slack's ${step} failed: ${(error as Error)?.message?.split('\n')[0] ?? 'unknown error'}`);
  }
}

/**
 * A Bolt logger that holds warnings and errors back until start-up is over: on success they are
 * written after all, on failure they are dropped, because the one start-up line says it all.
 */
export function startupQuiet(logger: BoltLogger): { logger: BoltLogger; done(succeeded: boolean): void } {
  let held: (() => void)[] | undefined = [];
  const hold =
    (write: (...parts: unknown[]) => void) =>
    (...parts: unknown[]) =>
      held ? held.push(() => write(...parts)) : write(...parts);
  const quiet: BoltLogger = {
    debug: (...parts) => logger.debug(...parts),
    info: hold((...parts) => logger.info(...parts)),
    warn: hold((...parts) => logger.warn(...parts)),
    error: hold((...parts) => logger.error(...parts)),
    setLevel: (level) => logger.setLevel(level),
    getLevel: () => logger.getLevel(),
    setName: (name) => logger.setName(name),
  };
  return {
    logger: quiet,
    done(succeeded) {
      const lines = held ?? [];
      held = undefined;
      if (succeeded) for (const line of lines) line();
    },
  };
}
