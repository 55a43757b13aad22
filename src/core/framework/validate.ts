// Option values from any platform (strings typed or entered in a form, typed values from
// Discord) checked against the declaration, with one localised message per wrong field.
import { z } from 'zod';
import type { Invocable } from './declarations.ts';
import { parseDateTime, type DateTimeEnv } from './datetime.ts';
import type { PlatformName } from '../platform.ts';
import type { OptionDeclaration } from './options.ts';
import type { Translate } from '../i18n.ts';
import { graphemeLength, isBlank, trimInvisible } from './characters.ts';
import { MENTION_DELIMITERS } from '../mentions-text.ts';

export type FieldErrors = Record<string, string>;

/** What reading input depends on: the zone and moment for dates, the platform for mentions. */
export interface InputEnv extends DateTimeEnv {
  platform: PlatformName;
}

export type Validation =
  | { ok: true; input: Record<string, unknown> }
  | { ok: false; errors: FieldErrors; missingOnly: boolean };

export function validateInput(
  invocable: Invocable,
  values: Record<string, unknown>,
  env: InputEnv,
  t: Translate,
): Validation {
  // From a platform payload anything may arrive: only a plain object carries option values.
  const given = values !== null && typeof values === 'object' && !Array.isArray(values) ? values : {};
  const prepared = prepareValues(invocable, given, env);
  const shape = Object.fromEntries(Object.entries(invocable.options).map(([name, option]) => [name, option.schema]));
  const result = z.object(shape).safeParse(prepared);
  if (result.success) return { ok: true, input: result.data };

  const errors: FieldErrors = {};
  let missingOnly = true;
  for (const issue of result.error.issues) {
    const name = String(issue.path[0]);
    if (errors[name] || !invocable.options[name]) continue;
    const problem = problemOf(issue, prepared[name]);
    if (problem !== 'required') missingOnly = false;
    errors[name] = describeProblem(problem, name, invocable.options[name]!, prepared[name], t);
  }
  return { ok: false, errors, missingOnly };
}

/** Typed words into values: dates parsed in the zone, mentions into `platform:id`. */
function prepareValues(invocable: Invocable, values: Record<string, unknown>, env: InputEnv) {
  const prepared: Record<string, unknown> = { ...values };
  for (const [name, option] of Object.entries(invocable.options)) {
    // The mention delimiters never come from people: typed text cannot forge a ping.
    if (typeof values[name] === 'string') prepared[name] = (values[name] as string).replace(MENTION_DELIMITERS, '');
    const value = prepared[name];
    if (typeof value !== 'string' || isBlank(value)) continue;
    if (option.kind === 'datetime') {
      // An unreadable date stays a string, which the date schema reports as 'datetime'.
      prepared[name] = parseDateTime(value, env) ?? value;
    } else if (option.kind === 'user') {
      prepared[name] = mentionToUser(value.trim(), env.platform);
    }
  }
  return prepared;
}

/**
 * Slack `<@U123|naam>`, Discord `<@123>` or `<@!123>`, or `platform:id`. A bare name is only
 * an id on the console; on Slack and Discord it could be anyone, so it stays invalid there.
 */
function mentionToUser(value: string, platform: PlatformName): string {
  const mention = /^<@!?([A-Za-z0-9]+)(\|[^>]*)?>$/.exec(value);
  if (mention) return `${platform}:${mention[1]}`;
  if (platform === 'console' && /^@?[A-Za-z0-9._-]+$/.test(value)) return `console:${value.replace(/^@/, '')}`;
  return value;
}

function problemOf(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'string' && isBlank(value))) return 'required';
  if (issue.code === 'custom' || issue.code === 'invalid_value') return issue.message;
  // A number, list or object where words were expected: given, but not usable.
  if (issue.code === 'invalid_type') return 'invalid';
  return issue.message && !issue.message.includes(' ') ? issue.message : 'invalid';
}

function describeProblem(problem: string, name: string, option: OptionDeclaration, value: unknown, t: Translate) {
  const actual = typeof value === 'string' ? graphemeLength(trimInvisible(value)) : 0;
  return t(`validation.${problem}`, {
    name,
    max: option.maxLength ?? option.max,
    min: option.minLength ?? option.min,
    actual,
    choices: option.choices?.join(', '),
    defaultValue: t('validation.invalid', { name }),
  });
}
