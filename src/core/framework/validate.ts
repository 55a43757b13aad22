// Option values from any platform (strings typed or entered in a form, typed values from
// Discord) checked against the declaration, with one localised message per wrong field.
import { z } from 'zod';
import type { Invocable } from './declarations.ts';
import { parseDateTime, type DateTimeEnv } from './datetime.ts';
import type { OptionDeclaration } from './options.ts';
import type { Translate } from '../i18n.ts';

export type FieldErrors = Record<string, string>;

export type Validation =
  | { ok: true; input: Record<string, unknown> }
  | { ok: false; errors: FieldErrors; missingOnly: boolean };

export function validateInput(
  invocable: Invocable,
  values: Record<string, unknown>,
  env: DateTimeEnv,
  t: Translate,
): Validation {
  const prepared = prepareDates(invocable, values, env);
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

function prepareDates(invocable: Invocable, values: Record<string, unknown>, env: DateTimeEnv) {
  const prepared: Record<string, unknown> = { ...values };
  for (const [name, option] of Object.entries(invocable.options)) {
    const value = values[name];
    if (option.kind === 'datetime' && typeof value === 'string' && value.trim() !== '') {
      // An unreadable date stays a string, which the date schema reports as 'datetime'.
      prepared[name] = parseDateTime(value, env) ?? value;
    }
  }
  return prepared;
}

function problemOf(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return 'required';
  if (issue.code === 'custom' || issue.code === 'invalid_value') return issue.message;
  return issue.message && !issue.message.includes(' ') ? issue.message : 'invalid';
}

function describeProblem(problem: string, name: string, option: OptionDeclaration, value: unknown, t: Translate) {
  const actual = typeof value === 'string' ? value.trim().length : 0;
  return t(`validation.${problem}`, {
    name,
    max: option.maxLength ?? option.max,
    min: option.minLength ?? option.min,
    actual,
    choices: option.choices?.join(', '),
    defaultValue: t('validation.invalid', { name }),
  });
}
