// The token that stands for a mention inside reply text, and how it reads as plain text. Kept
// apart from mentions.ts (which looks members up) so reply.ts can use it without the database.
//
// A token is delimited by two private-use characters, which typed input never keeps (they are
// stripped from every option value, see framework/validate.ts), so nobody can forge a ping:
//   \uE000m:<memberId>|<name>\uE001   a member, not yet resolved for a platform
//   \uE000u:<externalId>|<name>\uE001 an account on the platform the message goes to (a ping)
//   \uE000d:<unixSeconds>|\uE001      a moment each reader's platform shows in their own time
//                                    zone (Slack <!date^…>, Discord <t:…:F>); nothing elsewhere
export const MENTION_OPEN = '\uE000';
export const MENTION_CLOSE = '\uE001';
/** Both delimiters, to strip them from untrusted text. */
export const MENTION_DELIMITERS = /[\uE000\uE001]/g;

/** Matches every token: [1] kind (m, u or d), [2] id, [3] name. */
export const MENTION_TOKEN = /\uE000([mud]):([^|\uE000\uE001]*)\|([^\uE000\uE001]*)\uE001/g;

/** Names never carry a delimiter or a bar, so a token always parses back. */
function cleanName(name: string): string {
  return name.replace(/[\uE000\uE001|]/g, '').trim();
}

export function memberToken(memberId: string, name: string): string {
  return `${MENTION_OPEN}m:${memberId.replace(/[|\uE000\uE001]/g, '')}|${cleanName(name)}${MENTION_CLOSE}`;
}

export function accountToken(externalId: string, name: string): string {
  return `${MENTION_OPEN}u:${externalId.replace(/[|\uE000\uE001]/g, '')}|${cleanName(name)}${MENTION_CLOSE}`;
}

/** Tokens as people read them without a ping: `@name` for an account, the name otherwise. */
export function mentionsAsPlainText(text: string): string {
  return text.replace(MENTION_TOKEN, (_all, kind: string, _id: string, name: string) => (kind === 'u' ? `@${name}` : name));
}

/** Replaces account tokens with what `ping(externalId, name)` returns (the platform's mention). */
export function renderAccountMentions(text: string, ping: (externalId: string, name: string) => string): string {
  return text.replace(MENTION_TOKEN, (_all, kind: string, id: string, name: string) => (kind === 'u' ? ping(id, name) : name));
}

/** The external ids of the account tokens in a text. */
export function mentionedAccounts(text: string): string[] {
  return [...text.matchAll(MENTION_TOKEN)].filter((match) => match[1] === 'u').map((match) => match[2]!);
}

/** A moment shown in the reader's own time zone where the platform can (see the top of this file). */
export function dateToken(date: Date): string {
  return `${MENTION_OPEN}d:${Math.floor(date.getTime() / 1000)}|${MENTION_CLOSE}`;
}

const DATE_TOKEN = /\uE000d:(\d+)\|\uE001/g;

/** Replaces date tokens with what `render(unixSeconds)` returns (the platform's own date markup). */
export function renderDateTokens(text: string, render: (unixSeconds: number) => string): string {
  return text.replace(DATE_TOKEN, (_all, seconds: string) => render(Number(seconds)));
}
