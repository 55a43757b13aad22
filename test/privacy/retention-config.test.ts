// RETENTION_*_DAYS in the environment: each sets its rule's period (events the inbox keys too),
// unset keeps the defaults, and a bad value is one start-up line naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigError, loadConfig } from '../../src/config.ts';
import { Retention } from '../../src/core/privacy/retention.ts';

const periods = (env: Record<string, string>) =>
  Object.fromEntries(new Retention(undefined as never, { overrides: loadConfig(env).retentionDays }).list().map((rule) => [rule.name, rule.days]));

describe('retention periods from the environment', () => {
  it('keeps the defaults when nothing is set', () => {
    expect(loadConfig({}).retentionDays).toEqual({});
    expect(periods({})).toEqual({ sent: 30, events: 7, inbox: 7, drafts: 0, audit: 730, advice: 365, digests: 91 });
  });

  it('sets each period from its variable', () => {
    expect(periods({ RETENTION_SENT_DAYS: '10', RETENTION_EVENTS_DAYS: '3', RETENTION_AUDIT_DAYS: ' 1000 ', RETENTION_ADVICE_DAYS: '180', RETENTION_DIGESTS_DAYS: '45' })).toEqual({
      sent: 10, events: 3, inbox: 3, drafts: 0, audit: 1000, advice: 180, digests: 45,
    });
    expect(periods({ RETENTION_ADVICE_DAYS: '' })).toMatchObject({ advice: 365 });
  });

  it('refuses a bad value with one line naming the variable', () => {
    for (const [value, problem] of [['12 maanden', 'expected a whole number of days, e.g. 365'], ['0', 'expected at least 1 day'], ['1.5', 'expected a whole number of days, e.g. 365']]) {
      let error: unknown;
      try {
        loadConfig({ RETENTION_AUDIT_DAYS: value! });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(formatConfigError(error as ConfigError)).toBe(`Configuration error: RETENTION_AUDIT_DAYS ${problem}`);
    }
  });
});
