// Who a Slack user is, as far as the bot needs to know: the name people see and the language
// of their Slack client (users.info with include_locale). Slack's events carry neither reliably
// (slash commands send the legacy username). Looked up once and kept for an hour; when Slack
// does not answer quickly the request goes on without it.
import type { webApi } from '@slack/bolt';
import type { Requester } from '../../core/bot.ts';

export interface SlackProfile {
  displayName?: string;
  locale?: string;
}

const KEEP_MS = 60 * 60_000;
const KEEP_FAILURE_MS = 5 * 60_000;
const LOOKUP_TIMEOUT_MS = 1500;
const MAX_ENTRIES = 5000;

export class UserDirectory {
  private readonly cache = new Map<string, { profile: SlackProfile; until: number }>();

  constructor(private readonly client: () => webApi.WebClient) {}

  async requester(userId: string, fallbackName?: string): Promise<Requester> {
    const profile = await this.lookup(userId);
    return {
      platform: 'slack',
      userId,
      displayName: profile.displayName ?? fallbackName ?? userId,
      locale: profile.locale,
    };
  }

  async lookup(userId: string): Promise<SlackProfile> {
    const now = Date.now();
    const cached = this.cache.get(userId);
    if (cached && cached.until > now) return cached.profile;
    let profile: SlackProfile = {};
    let keep = KEEP_FAILURE_MS;
    try {
      const answer = await withTimeout(this.client().users.info({ user: userId, include_locale: true }), LOOKUP_TIMEOUT_MS);
      const user = answer?.user;
      if (user) {
        profile = {
          displayName: user.profile?.display_name || user.real_name || user.profile?.real_name || user.name || undefined,
          locale: user.locale || undefined,
        };
        keep = KEEP_MS;
      }
    } catch {
      // Not fatal: the member is known by the name the event carried.
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(userId, { profile, until: now + keep });
    return profile;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  try {
    // A late failure after the timeout must not become an unhandled rejection.
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
