// Values a platform can suggest while someone types an option (Discord autocomplete), by the
// data source an option names in its declaration.
import type { AutocompleteChoice } from './framework/declarations.ts';
import type { DomainServices as Services } from './services.ts';
import { normalise } from './text.ts';

export type SuggestionSource = (services: Services, partial: string) => Promise<AutocompleteChoice[]>;

const matches = (partial: string, ...names: (string | undefined)[]) =>
  names.some((name) => name !== undefined && normalise(name).includes(normalise(partial)));

export const suggestionSources: Record<string, SuggestionSource> = {
  async organisations(services, partial) {
    const all = await services.members.listOrganisations();
    return all
      .filter((org) => matches(partial, org.name, org.shortName, org.slug))
      .map((org) => ({ label: org.shortName ? `${org.name} (${org.shortName})` : org.name, value: org.slug }));
  },
  async gemeenten(services, partial) {
    const all = await services.members.listOrganisations('gemeente');
    return all.filter((org) => matches(partial, org.name, org.slug)).map((org) => ({ label: org.name, value: org.slug }));
  },
  async chapters(services, partial) {
    const chapters = await services.guide.chapters();
    return chapters
      .filter((chapter) => matches(partial, chapter.chapter, chapter.title, `${chapter.chapter} ${chapter.title}`))
      .map((chapter) => ({ label: `${chapter.chapter}. ${chapter.title}`, value: chapter.chapter }));
  },
  /** Passage titles containing or resembling what was typed; the value is the passage's slug. */
  async passages(services, partial) {
    const passages = await services.guide.suggestPassages(partial, 25);
    return passages.map((passage) => ({ label: `${passage.chapter}. ${passage.title}`.slice(0, 100), value: passage.slug }));
  },
};
