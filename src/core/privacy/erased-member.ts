// "Verwijderd lid": the one member every anonymised record points at after its author asked to
// be deleted. It has no accounts, so nobody can act as it.
import { translator, type Locale } from '../i18n.ts';
import type { Store } from '../store.ts';

export const ERASED_MEMBER_ID = '00000000-0000-4000-8000-000000000000';

export async function ensureErasedMember(store: Store, locale: Locale): Promise<void> {
  const displayName = translator(locale)('privacy.erasedMember');
  await store.member.upsert({ where: { id: ERASED_MEMBER_ID }, create: { id: ERASED_MEMBER_ID, displayName }, update: {} });
}
