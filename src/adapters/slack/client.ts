// How we talk to the Slack Web API: one set of client options for Bolt's clients and ours, and
// a bridge from Bolt's logger to pino that never passes message text on.
import { LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import { safeError, type Logger } from '../../core/logger.ts';
import { OutcomeUnknownError, RetryLaterError } from '../../core/outbox/worker.ts';

export const DEFAULT_API_URL = 'https://slack.com/api/';
/** How long one Web API call may take before it counts as failed (outcome unknown). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The Web API client does not retry by itself and rejects rate-limited calls at once: the
 * outbox owns retries (it persists them, honours Retry-After and survives restarts), and
 * interactive calls (views.open with a 3-second trigger_id) gain nothing from waiting.
 */
export function webClientOptions(apiUrl: string | undefined, logger: BoltLogger, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): webApi.WebClientOptions {
  return {
    slackApiUrl: normaliseApiUrl(apiUrl),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: timeoutMs,
    logger,
  };
}

/** Why a Web API call failed, as far as retrying it is concerned. */
export type FailureKind =
  /** 429: nothing was done; wait retryAfterMs. */
  | 'rate-limited'
  /** No answer, a broken connection, or 5xx: the call may have taken effect. */
  | 'unknown'
  /** Slack answered ok:false (not_in_channel, channel_not_found …): it did nothing. */
  | 'refused'
  | 'other';

export function failureKind(error: unknown): { kind: FailureKind; retryAfterMs?: number } {
  const coded = error as { code?: string; retryAfter?: number; statusCode?: number };
  switch (coded.code) {
    case webApi.ErrorCode.RateLimitedError:
      return { kind: 'rate-limited', retryAfterMs: Math.max(0, coded.retryAfter ?? 1) * 1000 };
    case webApi.ErrorCode.RequestError:
      return { kind: 'unknown' };
    case webApi.ErrorCode.HTTPError:
      return { kind: (coded.statusCode ?? 0) >= 500 ? 'unknown' : 'other' };
    case webApi.ErrorCode.PlatformError:
      return { kind: 'refused' };
    default:
      return { kind: 'other' };
  }
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
export function deliveryError(method: string, error: unknown, options: { mayHavePosted?: boolean } = {}): Error {
  const coded = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  // Only a call that creates something can leave an unknown outcome behind.
  const unknown = (message: string) => (options.mayHavePosted ? new OutcomeUnknownError(message) : new Error(message));
  switch (coded.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new RetryLaterError(`slack ${method}: rate limited`, failureKind(error).retryAfterMs!);
    case webApi.ErrorCode.HTTPError:
      return failureKind(error).kind === 'unknown' ? unknown(`slack ${method}: HTTP ${coded.statusCode}`) : new Error(`slack ${method}: HTTP ${coded.statusCode}`);
    case webApi.ErrorCode.PlatformError:
      return new Error(`slack ${method}: ${coded.data?.error ?? 'error'}`);
    case webApi.ErrorCode.RequestError:
      return unknown(`slack ${method}: request failed`);
    default:
      return new Error(`slack ${method}: ${safeError(error).message ?? 'failed'}`);
  }
}
