// What someone typed into a form that must be shown again later: a platform whose forms cannot
// show field errors (Discord) lists them with a button that reopens the form prefilled, and a
// value the platform's form cannot carry waits here until the form comes back. Kept in the
// database, encrypted (people type sensitive text into forms), for as long as a platform keeps
// an interaction alive, so a restart between showing and submitting loses nothing.
import { randomBytes } from 'node:crypto';
import type { FieldCipher } from './crypto.ts';
import type { FieldErrors } from './framework/validate.ts';
import type { Store } from './store.ts';

export interface FormDraft {
  values: Record<string, unknown>;
  errors?: FieldErrors;
}

/** Discord keeps an interaction (and so a button on its reply) usable for 15 minutes. */
export const FORM_DRAFT_TTL_MS = 15 * 60_000;

export class FormDrafts {
  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
  ) {}

  /** Keeps the draft and returns its token (short: it travels in a 100-character custom id). */
  async put(draft: FormDraft, now = new Date()): Promise<string> {
    const token = randomBytes(9).toString('base64url');
    await this.store.formDraft.create({
      data: { token, payloadEncrypted: this.cipher.encrypt(JSON.stringify(draft)), expiresAt: new Date(now.getTime() + FORM_DRAFT_TTL_MS) },
    });
    return token;
  }

  /** The draft under this token, while it lasts; undefined for an unknown or expired one. */
  async get(token: string | undefined, now = new Date()): Promise<FormDraft | undefined> {
    if (!token) return undefined;
    const row = await this.store.formDraft.findUnique({ where: { token } });
    if (!row || row.expiresAt <= now) return undefined;
    return JSON.parse(this.cipher.decrypt(row.payloadEncrypted)) as FormDraft;
  }

  /** Expired drafts go (housekeeping). */
  async prune(now = new Date()): Promise<number> {
    const { count } = await this.store.formDraft.deleteMany({ where: { expiresAt: { lte: now } } });
    return count;
  }
}
