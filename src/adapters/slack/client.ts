// How we talk to the Slack Web API: one set of client options for Bolt's clients and ours, and
// a bridge from Bolt's logger to pino that never passes message text on.
import { LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import { safeError, type Logger } from '../../core/logger.ts';
import { RetryLaterError } from '../../core/outbox/worker.ts';

export const DEFAULT_API_URL = 'https://slack.com/api/';

/**
 * The Web API client does not retry by itself and rejects rate-limited calls at once: the
 * outbox owns retries (it persists them, honours Retry-After and survives restarts), and
 * interactive calls (views.open with a 3-second trigger_id) gain nothing from waiting.
 */
export function webClientOptions(apiUrl: string | undefined, logger: BoltLogger): webApi.WebClientOptions {
  return {
    slackApiUrl: normaliseApiUrl(apiUrl),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger,
  };
}

export function normaliseApiUrl(apiUrl: string | undefined): string {
  const url = apiUrl ?? DEFAULT_API_URL;
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Bolt's logger interface on top of pino. Debug output is dropped whole: Bolt and the Web API
 * client log request bodies (message text, form input) at that level.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  const line = (parts: unknown[]) =>
    parts
      .map((part) => (typeof part === 'string' ? part : part instanceof Error ? safeError(part).message : ''))
      .filter(Boolean)
      .join(' ')
      .slice(0, 300);
  return {
    debug: () => {},
    info: (...parts: unknown[]) => child.info(line(parts)),
    warn: (...parts: unknown[]) => child.warn(line(parts)),
    error: (...parts: unknown[]) => child.error(line(parts)),
    setLevel: (next: LogLevel) => void (level = next),
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * A failed Web API call as the outbox wants it: RetryLaterError on 429 with Retry-After, a
 * plain Error otherwise (the worker backs off and tries again). Messages carry the method and
 * Slack's error code, never the message text.
 */
export function deliveryError(method: string, error: unknown): Error {
  const coded = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (coded.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new RetryLaterError(`slack ${method}: rate limited`, Math.max(0, coded.retryAfter ?? 1) * 1000);
    case webApi.ErrorCode.HTTPError:
      return new Error(`slack ${method}: HTTP ${coded.statusCode}`);
    case webApi.ErrorCode.PlatformError:
      return new Error(`slack ${method}: ${coded.data?.error ?? 'error'}`);
    case webApi.ErrorCode.RequestError:
      return new Error(`slack ${method}: request failed`);
    default:
      return new Error(`slack ${method}: ${safeError(error).message ?? 'failed'}`);
  }
}
