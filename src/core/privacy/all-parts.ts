// Every privacy part: the core's and each feature's with its own tables. The one list that
// /privacy, the export, the deletion, the README (scripts/privacy-readme.ts) and the tests read,
// so a feature's area cannot be in one and missing from another.
import { advicePrivacyPart } from '../advice/privacy-part.ts';
import { digestsPrivacyPart } from '../digests/privacy-part.ts';
import { meetingsPrivacyPart } from '../meetings/privacy-part.ts';
import { registerCoreParts } from './core-parts.ts';
import type { PrivacyRegistry } from './parts.ts';

/** `timezone`: meetings are cancelled or kept by whether they have begun, in the alliance's zone. */
export function registerAllParts(registry: PrivacyRegistry, timezone = 'Europe/Amsterdam'): void {
  registerCoreParts(registry);
  registry.register(advicePrivacyPart);
  registry.register(meetingsPrivacyPart(timezone));
  registry.register(digestsPrivacyPart);
}
