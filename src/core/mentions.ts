// Mentions of members in reply text. A handler writes `mention(member)`; before a reply is
// shown on a platform, `resolve` turns each token into that platform's account of the member
// (which the adapter renders as a real ping: Slack `<@U…>`, Discord `<@id>`), or into `@name`
// where the member has no account there (the console names its users so), or into the plain
// name for someone who is not (or no longer) in the alliance.
import type { PlatformName } from './platform.ts';
import type { Reply } from './framework/reply.ts';
import type { Store } from './store.ts';
import { MENTION_TOKEN, accountToken, memberToken } from './mentions-text.ts';

/** A mention of a member, for reply text. */
export function mention(member: { id: string; displayName: string }): string {
  return memberToken(member.id, member.displayName);
}

/** Every text of a reply, rewritten by `map` (titles, text, sections, fields, footer, buttons). */
export function mapReplyText(reply: Reply, map: (text: string) => string): Reply {
  const opt = (text: string | undefined) => (text === undefined ? undefined : map(text));
  return {
    ...reply,
    title: opt(reply.title),
    text: opt(reply.text),
    footer: opt(reply.footer),
    sections: reply.sections?.map((section) => ({
      ...section,
      title: opt(section.title),
      text: opt(section.text),
      fields: section.fields?.map((field) => ({ label: map(field.label), value: map(field.value) })),
    })),
    buttons: reply.buttons?.map((button) => ({ ...button, label: map(button.label) })),
  };
}

function memberIdsIn(reply: Reply): string[] {
  const ids = new Set<string>();
  mapReplyText(reply, (text) => {
    for (const match of text.matchAll(MENTION_TOKEN)) if (match[1] === 'm') ids.add(match[2]!);
    return text;
  });
  return [...ids];
}

export class MentionResolver {
  constructor(private readonly store: Store) {}

  /** The reply with its member mentions made right for one platform (no lookup when it has none). */
  async resolve(reply: Reply, platform: PlatformName): Promise<Reply> {
    const ids = memberIdsIn(reply);
    if (ids.length === 0) return reply;
    const members = await this.store.member.findMany({ where: { id: { in: ids } }, include: { identities: true } });
    const byId = new Map(members.map((member) => [member.id, member]));
    return mapReplyText(reply, (text) =>
      text.replace(MENTION_TOKEN, (all, kind: string, id: string, name: string) => {
        if (kind !== 'm') return all;
        const member = byId.get(id);
        // Not in the alliance (unknown, or never approved): the name as plain text, no ping.
        if (!member || (!member.approvedAt && member.role === 'MEMBER')) return name;
        const account = member.identities.find((identity) => identity.platform.toLowerCase() === platform);
        if (!account) return `@${member.displayName}`;
        // Console users are named by their console id (`@adv1`), which is how one types to them.
        if (platform === 'console') return `@${account.externalId}`;
        return accountToken(account.externalId, member.displayName);
      }),
    );
  }
}
