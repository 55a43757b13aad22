// The organisations every installation starts with: Movisie, the seven consortium
// organisations of the Alliantie Verandering van Binnenuit, and the larger gemeenten (G4 and
// G40). Applied at every start-up; the slug is the stable key, so names can be corrected here
// and the next start updates them, while ids (and everything that refers to them) stay.
import type { OrganisationKind, PrismaClient } from '../generated/prisma/client.ts';
import { slugify } from '../core/text.ts';

export interface SeedOrganisation {
  slug: string;
  name: string;
  shortName: string | null;
  kind: OrganisationKind;
}

const consortium: Array<[slug: string, name: string, shortName: string | null]> = [
  ['iot', 'Inspraakorgaan Turken', 'IOT'],
  ['kezban', 'Stichting Kezban', null],
  ['fsan', 'Federatie van Somalische Associaties in Nederland', 'FSAN'],
  ['smn', 'Samenwerkingsverband Marokkaanse Nederlanders', 'SMN'],
  ['mudawwanah', 'Stichting Landelijke Werkgroep Mudawwanah', null],
  ['htib', 'HTIB (Turkse arbeidersvereniging in Nederland)', 'HTIB'],
  ['von', 'Vluchtelingen Organisaties Nederland', 'VON'],
];

// G4, then the G40 city network (41 members since Amstelveen joined in 2022; Lelystad,
// Eindhoven and Helmond are among them). Display names as the gemeenten write them.
const gemeenten: string[] = [
  'Amsterdam', 'Rotterdam', 'Den Haag', 'Utrecht',
  'Alkmaar', 'Almelo', 'Almere', 'Alphen aan den Rijn', 'Amersfoort', 'Amstelveen', 'Apeldoorn',
  'Arnhem', 'Assen', 'Breda', 'Delft', 'Deventer', 'Dordrecht', 'Ede', 'Eindhoven', 'Emmen',
  'Enschede', 'Gouda', 'Groningen', 'Haarlem', 'Haarlemmermeer', 'Heerlen', 'Helmond', 'Hengelo',
  "'s-Hertogenbosch", 'Hilversum', 'Hoorn', 'Leeuwarden', 'Leiden', 'Lelystad', 'Maastricht',
  'Nijmegen', 'Oss', 'Roosendaal', 'Schiedam', 'Sittard-Geleen', 'Tilburg', 'Venlo', 'Zaanstad',
  'Zoetermeer', 'Zwolle',
];

export const SEED_ORGANISATIONS: readonly SeedOrganisation[] = [
  { slug: 'movisie', name: 'Movisie', shortName: null, kind: 'MOVISIE' },
  ...consortium.map(([slug, name, shortName]) => ({ slug, name, shortName, kind: 'CONSORTIUM' as const })),
  ...gemeenten.map((city) => ({
    slug: `gemeente-${slugify(city)}`,
    name: `Gemeente ${city}`,
    shortName: null,
    kind: 'GEMEENTE' as const,
  })),
];

/**
 * Inserts missing organisations and corrects changed ones. Reads once first so an unchanged
 * database (every start after the first) costs a single query.
 */
export async function seedOrganisations(prisma: PrismaClient): Promise<{ created: number; updated: number }> {
  const existing = new Map(
    (await prisma.organisation.findMany({ select: { slug: true, name: true, shortName: true, kind: true } })).map(
      (o) => [o.slug, o],
    ),
  );
  const changed = SEED_ORGANISATIONS.filter((o) => {
    const row = existing.get(o.slug);
    return !row || row.name !== o.name || row.shortName !== o.shortName || row.kind !== o.kind;
  });
  if (changed.length === 0) return { created: 0, updated: 0 };
  // Upserts, not inserts: another process may be seeding at the same moment.
  await prisma.$transaction(
    changed.map(({ slug, ...fields }) =>
      prisma.organisation.upsert({ where: { slug }, create: { slug, ...fields }, update: fields }),
    ),
  );
  const created = changed.filter((o) => !existing.has(o.slug)).length;
  return { created, updated: changed.length - created };
}
