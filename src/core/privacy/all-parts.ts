// Every privacy part: the core's and each feature's with its own tables. The one list that
// /privacy, the export, the deletion, the README (scripts/privacy-readme.ts) and the tests read,
// so a feature's area cannot be in one and missing from another.
import { advicePrivacyPart } from '../advice/privacy-part.ts';
import { registerCoreParts } from './core-parts.ts';
import type { PrivacyRegistry } from './parts.ts';

export function registerAllParts(registry: PrivacyRegistry): void {
  registerCoreParts(registry);
  registry.register(advicePrivacyPart);
}
