// Who is in a Discord channel, for `genodigden:kanaal`: Discord has no member list per channel,
// so it is the server's members (GET /guilds/:id/members) who may view the channel. Discord
// answers that list only with the privileged Server Members Intent switched on in the
// Developer Portal; asking for the intent at IDENTIFY instead would stop the whole bot from
// connecting where it is off, so the REST list is used and its refusal explained.
import { DiscordAPIError, PermissionFlagsBits, type Client } from 'discord.js';
import { ChannelMembersUnavailableError, MAX_CHANNEL_MEMBERS } from '../../core/meetings/channel-members.ts';

/** Discord's answer when the Server Members Intent is off: 403 Missing Access. */
const MISSING_ACCESS = 50001;

export async function discordChannelMembers(client: Client, channelId: string): Promise<string[]> {
  const channel = await client.channels.fetch(channelId);
  if (!channel || channel.isDMBased() || !('guild' in channel)) return [];
  let members;
  try {
    members = await channel.guild.members.list({ limit: MAX_CHANNEL_MEMBERS });
  } catch (error) {
    if (error instanceof DiscordAPIError && (error.code === MISSING_ACCESS || error.status === 403)) throw new ChannelMembersUnavailableError('members-intent');
    throw error;
  }
  return [...members.values()]
    .filter((member) => !member.user.bot && channel.permissionsFor(member)?.has(PermissionFlagsBits.ViewChannel))
    .map((member) => member.id);
}
