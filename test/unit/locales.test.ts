// Every text exists in Dutch and English, and every declaration finds its descriptions.
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { describeKeys, type Invocable } from '../../src/core/framework/declarations.ts';
import { hasTranslation, localeResources, locales, translator } from '../../src/core/i18n.ts';

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function declaredKeys(): string[] {
  return commands.flatMap((command) => {
    const parts: [string | undefined, Invocable][] = [
      ...(command.subcommands ?? []).map((sub): [string, Invocable] => [sub.name, sub]),
      ...(command.root ? [[undefined, command.root] as [undefined, Invocable]] : []),
    ];
    return [
      describeKeys.command(command.name),
      ...parts.flatMap(([sub, invocable]) => [
        ...(sub ? [describeKeys.subcommand(command.name, sub)] : []),
        ...Object.entries(invocable.options).flatMap(([name, option]) => [
          describeKeys.option(command.name, sub, name),
          ...(option.choices ?? []).map((choice) => describeKeys.choice(choice)),
        ]),
      ]),
    ];
  });
}

describe('locale files', () => {
  it('have the same keys in Dutch and English', () => {
    const [nl, en] = locales.map((locale) => keys(localeResources(locale)).sort());
    expect(en).toEqual(nl);
  });

  it('describe every command, sub-command, option and choice in both languages, within 100 characters', () => {
    for (const locale of locales) {
      const t = translator(locale);
      for (const key of declaredKeys()) {
        expect(hasTranslation(locale, key), `${locale}: ${key}`).toBe(true);
        expect(t(key).length, `${locale}: ${key}`).toBeLessThanOrEqual(100);
      }
    }
  });

  it('carry the emergency line in both languages', () => {
    for (const locale of locales) {
      for (const key of ['safety.emergency', 'safety.formNotice']) {
        expect(translator(locale)(key)).toContain('112');
        expect(translator(locale)(key)).toContain('0800-2000');
      }
    }
  });
});
