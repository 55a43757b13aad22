// Who sent an interaction, where, and in which language, as the Bot wants to know them. Shared
// by the handlers (interactions.ts) and the answers (answers.ts).
import type { Interaction } from 'discord.js';
import type { Bot, Requester } from '../../core/bot.ts';
import type { Place } from '../../core/framework/context.ts';
import { toLocale, translator, type Locale, type Translate } from '../../core/i18n.ts';

/** The interaction's id: Discord delivering it again (gateway resume) is handled once. */
export function eventKey(interaction: Interaction): string {
  return `discord:interaction:${interaction.id}`;
}

/** How to answer the interaction after a crash: its webhook, valid 15 minutes (DiscordAdapter.answerLater). */
export interface DiscordRoute {
  applicationId: string;
  token: string;
}

export function routeOf(interaction: Interaction): DiscordRoute {
  return { applicationId: interaction.applicationId, token: interaction.token };
}

export function requesterOf(interaction: Interaction): Requester {
  const member = interaction.member as { nickname?: string | null; nick?: string | null } | null;
  const nick = member ? (member.nickname ?? member.nick ?? undefined) : undefined;
  return {
    platform: 'discord',
    userId: interaction.user.id,
    displayName: nick ?? interaction.user.globalName ?? interaction.user.username,
    locale: interaction.locale,
  };
}

/** Where it happened: a channel, a thread in a channel, or (no guild) a DM, which has no channel. */
export function placeOf(interaction: Interaction): Place {
  if (!interaction.guildId) return { platform: 'discord' };
  const channel = interaction.channel;
  if (channel?.isThread()) {
    return { platform: 'discord', channelRef: channel.parentId ?? channel.id, channelName: channel.parent?.name, threadRef: channel.id };
  }
  return {
    platform: 'discord',
    channelRef: interaction.channelId ?? undefined,
    channelName: channel && 'name' in channel && typeof channel.name === 'string' ? channel.name : undefined,
  };
}

/**
 * Whether a thread can start from a message posted where this interaction happened: in a
 * server's channel, not in a DM and not inside a thread (Discord has no threads in threads).
 */
export function canCarryDiscussion(interaction: Interaction): boolean {
  const place = placeOf(interaction);
  return Boolean(place.channelRef) && !place.threadRef;
}

/** The person's chosen language; their Discord client's when the Bot cannot say. */
export async function localeOf(bot: Bot, interaction: Interaction): Promise<{ locale: Locale; t: Translate }> {
  try {
    const { locale, t } = await bot.who(requesterOf(interaction));
    return { locale, t };
  } catch {
    const locale = fallbackLocale(bot, interaction);
    return { locale, t: translator(locale) };
  }
}

/** Without asking the Bot (it may be what failed): the client's language, else the default. */
export function fallbackLocale(bot: Bot, interaction: Interaction): Locale {
  return toLocale(interaction.locale) ?? bot.defaultLocale;
}
