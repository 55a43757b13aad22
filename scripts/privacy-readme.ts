// npx tsx scripts/privacy-readme.ts — writes the README's Privacy section (Dutch and English)
// from the same texts /privacy shows; test/privacy/statement.test.ts checks they agree.
import { readFileSync, writeFileSync } from 'node:fs';
import { translator } from '../src/core/i18n.ts';
import { registerCoreParts } from '../src/core/privacy/core-parts.ts';
import { meetingsPrivacyPart } from '../src/core/meetings/privacy-part.ts';
import { PrivacyRegistry } from '../src/core/privacy/parts.ts';
import { withReadmeBlock } from '../src/core/privacy/readme.ts';
import { privacyStatement, statementMarkdown } from '../src/core/privacy/statement.ts';

const registry = new PrivacyRegistry();
registerCoreParts(registry);
registry.register(meetingsPrivacyPart('Europe/Amsterdam'));
const file = new URL('../README.md', import.meta.url);
let readme = readFileSync(file, 'utf8');
for (const locale of ['nl', 'en'] as const) readme = withReadmeBlock(readme, locale, statementMarkdown(privacyStatement(translator(locale), registry)));
writeFileSync(file, readme);
