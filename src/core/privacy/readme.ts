// The README's Privacy section holds the statement twice, between markers per language.
const start = (locale: string) => `<!-- privacy:${locale} (generated: npx tsx scripts/privacy-readme.ts) -->`;
const end = (locale: string) => `<!-- /privacy:${locale} -->`;

export function readmeBlock(readme: string, locale: string): string | undefined {
  const from = readme.indexOf(start(locale));
  const to = readme.indexOf(end(locale));
  if (from === -1 || to === -1) return undefined;
  return readme.slice(from + start(locale).length, to).trim();
}

export function withReadmeBlock(readme: string, locale: string, markdown: string): string {
  const block = `${start(locale)}\n${markdown}\n${end(locale)}`;
  const from = readme.indexOf(start(locale));
  const to = readme.indexOf(end(locale));
  if (from === -1 || to === -1) throw new Error(`README has no privacy:${locale} markers`);
  return readme.slice(0, from) + block + readme.slice(to + end(locale).length);
}
