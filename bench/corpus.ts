// The sample guide scaled up for the benchmark: variations of the 55 passages (sentences
// reordered, a sentence borrowed from another passage, some words swapped for synonyms, a
// variant number in the title) until there are `size` of them. Deterministic: the same size
// gives the same corpus.
import { readGuideDirectory } from '../src/core/guide/loader.ts';
import { hashPassage, type PassageInput } from '../src/core/guide/markdown.ts';

const SYNONYMS: Record<string, string[]> = {
  gemeente: ['gemeente', 'stad', 'lokale overheid'],
  gemeenten: ['gemeenten', 'steden', 'lokale overheden'],
  organisaties: ['organisaties', 'verenigingen', 'stichtingen'],
  vrijwilligers: ['vrijwilligers', 'actieve leden', 'vrijwilligers'],
  samenwerking: ['samenwerking', 'partnerschap', 'samenwerking'],
  belangrijk: ['belangrijk', 'van belang', 'essentieel'],
  vaak: ['vaak', 'regelmatig', 'geregeld'],
  mensen: ['mensen', 'bewoners', 'inwoners'],
};

/** A small seeded generator (mulberry32), so every run builds the same corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sentences = (text: string) => text.split(/(?<=[.!?])\s+/).filter(Boolean);

export function scaledCorpus(size: number): PassageInput[] {
  const base = readGuideDirectory();
  const next = random(20261128);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const passages: PassageInput[] = [...base];
  for (let variant = 2; passages.length < size; variant++) {
    for (const passage of base) {
      if (passages.length >= size) break;
      const own = sentences(passage.body.replace(/\s+/g, ' '));
      // Rotate the sentences, borrow one from elsewhere, swap some words.
      const shift = Math.floor(next() * own.length);
      const borrowed = pick(sentences(pick(base).body.replace(/\s+/g, ' ')));
      const body = [...own.slice(shift), ...own.slice(0, shift), borrowed]
        .join(' ')
        .replace(/\b(gemeente|gemeenten|organisaties|vrijwilligers|samenwerking|belangrijk|vaak|mensen)\b/g, (word) => (next() < 0.5 ? pick(SYNONYMS[word]!) : word));
      const tags = passage.tags.filter(() => next() < 0.7);
      const variantPassage = {
        ...passage,
        slug: `${passage.slug}-v${variant}`,
        title: `${passage.title} (variant ${variant})`,
        body,
        tags,
        position: passage.position + variant * 100,
      };
      passages.push({ ...variantPassage, contentHash: hashPassage(variantPassage) });
    }
  }
  return passages;
}
