// The advice follow-up targets from the environment (issue 10: "configurable"): durations in
// working days or hours, the escalation factor and the reopen window; a wrong value stops
// start-up with one line naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigError, loadConfig } from '../../src/config.ts';

const wrong = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return formatConfigError(error as ConfigError);
  }
  throw new Error('configuration was accepted');
};

describe('advice targets in the configuration', () => {
  it('sets nothing when nothing is set (the defaults of targets.ts apply)', () => {
    expect(loadConfig({}).adviceTargets).toEqual({});
  });

  it('reads working days and hours, the factor and the reopen days', () => {
    const config = loadConfig({
      ADVICE_FIRST_RESPONSE: '3d',
      ADVICE_URGENT_FIRST_RESPONSE: '2h',
      ADVICE_ESCALATION_FACTOR: '2',
      ADVICE_NUDGE_AFTER: '5D',
      ADVICE_AUTO_CLOSE_AFTER: '12u',
      ADVICE_REOPEN_DAYS: '14',
    });
    expect(config.adviceTargets).toEqual({
      firstResponseMinutes: 3 * 480,
      urgentFirstResponseMinutes: 120,
      escalationFactor: 2,
      nudgeAfterMinutes: 5 * 480,
      autoCloseAfterMinutes: 12 * 60,
      reopenDays: 14,
    });
    expect(loadConfig({ ADVICE_URGENT_FIRST_RESPONSE: '1.5h' }).adviceTargets).toEqual({ urgentFirstResponseMinutes: 90 });
  });

  it.each([
    [{ ADVICE_FIRST_RESPONSE: '2' }, 'ADVICE_FIRST_RESPONSE expected working days or hours, e.g. 2d or 4h'],
    [{ ADVICE_FIRST_RESPONSE: 'twee dagen' }, 'ADVICE_FIRST_RESPONSE expected working days or hours'],
    [{ ADVICE_URGENT_FIRST_RESPONSE: '0h' }, 'ADVICE_URGENT_FIRST_RESPONSE expected a duration above zero'],
    [{ ADVICE_NUDGE_AFTER: '-3d' }, 'ADVICE_NUDGE_AFTER expected working days or hours'],
    [{ ADVICE_AUTO_CLOSE_AFTER: '20 weeks' }, 'ADVICE_AUTO_CLOSE_AFTER expected working days or hours'],
    [{ ADVICE_ESCALATION_FACTOR: '0.5' }, 'ADVICE_ESCALATION_FACTOR expected a number of at least 1'],
    [{ ADVICE_ESCALATION_FACTOR: 'anderhalf' }, 'ADVICE_ESCALATION_FACTOR expected a number of at least 1'],
    [{ ADVICE_REOPEN_DAYS: '30d' }, 'ADVICE_REOPEN_DAYS expected a whole number of calendar days'],
    [{ ADVICE_REOPEN_DAYS: '0' }, 'ADVICE_REOPEN_DAYS expected a whole number of calendar days, 1 to 3650'],
  ])('refuses %o with one line naming the variable', (env, message) => {
    const line = wrong(env);
    expect(line).toContain(message);
    expect(line.split('\n')).toHaveLength(1);
  });
});
