// All text a person reads comes from src/locales/<locale>.json through i18next; handlers and
// adapters never hard-code user-facing text.
import i18next, { type TFunction } from 'i18next';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];
export type Translate = (key: string, params?: Record<string, unknown>) => string;

function loadLocale(locale: Locale): Record<string, unknown> {
  const file = fileURLToPath(new URL(`../locales/${locale}.json`, import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
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
