// All text a person reads comes from src/locales/<locale>.json through i18next; handlers and
// adapters never hard-code user-facing text.
import i18next, { type TFunction } from 'i18next';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];
export type Translate = (key: string, params?: Record<string, unknown>) => string;

type Tree = Record<string, unknown>;

/** src/locales/<locale>/*.json merged into one tree: each area (slack, discord, …) owns a file. */
function loadLocale(locale: Locale): Tree {
  const dir = fileURLToPath(new URL(`../locales/${locale}/`, import.meta.url));
  const files = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
  return files.reduce<Tree>((tree, name) => merge(tree, JSON.parse(readFileSync(join(dir, name), 'utf8')) as Tree), {});
}

function merge(target: Tree, source: Tree): Tree {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    const bothTrees = [existing, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    target[key] = bothTrees ? merge(existing as Tree, value as Tree) : value;
  }
  return target;
}

const instance = i18next.createInstance();
await instance.init({
  resources: Object.fromEntries(locales.map((locale) => [locale, { translation: loadLocale(locale) }])),
  lng: 'nl',
  fallbackLng: 'nl',
  // Replies are rendered as platform markup by the adapters, not as HTML.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

export function translator(locale: Locale): Translate {
  const fixed: TFunction = instance.getFixedT(locale);
  return (key, params) => fixed(key, params ?? {}) as string;
}

export function hasTranslation(locale: Locale, key: string): boolean {
  return instance.exists(key, { lng: locale, fallbackLng: false });
}

/** Picks our locale from whatever a platform tells us (`nl`, `en-US`, `en-GB`, `nl-NL`). */
export function toLocale(value: string | undefined | null): Locale | undefined {
  if (!value) return undefined;
  const base = value.toLowerCase().split(/[-_]/)[0];
  return (locales as readonly string[]).includes(base ?? '') ? (base as Locale) : undefined;
}

/** The resource tree of one locale, for tests that compare the languages key by key. */
export function localeResources(locale: Locale): Record<string, unknown> {
  return loadLocale(locale);
}

/**
 * Adds texts at run time, merged into what src/locales holds: for commands declared outside
 * the application, such as the contract suite's test-only command.
 */
export function addTexts(locale: Locale, tree: Record<string, unknown>): void {
  instance.addResourceBundle(locale, 'translation', tree, true, false);
}
