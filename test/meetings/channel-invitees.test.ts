// `genodigden:kanaal` on the console, Slack and Discord: everyone in the channel who is a member
// is invited (not the organiser, not members elsewhere), the people there who are no member
// are counted in the preview, `kanaal` with mentions invites each person once, a DM has no
// channel to invite, and the 500 cap still holds. Discord: only those who may view the
// channel, and a clear answer when the Server Members Intent is off.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDbPlatform } from '../../src/core/platform.ts';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

describe.each(platformNames)('genodigden:kanaal on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';
  const john = 'ujohn';
  const olga = 'uolga'; // a member, but not in this channel
  const strangers = ['ustranger1', 'ustranger2']; // in the channel, no (approved) member
  const meetings = () => p.testBot.db.prisma.meeting.count();

  beforeAll(async () => {
    p = await startPlatform(platform);
    const s = p.testBot.services;
    await approveMember(s, platform, org, 'smn', 'Samira');
    await approveMember(s, platform, fatima, 'iot', 'Fatima');
    await approveMember(s, platform, john, 'iot', 'John');
    await approveMember(s, platform, olga, 'von', 'Olga');
    await p.channelHas([org, fatima, john, ...strangers]);
  }, 240_000);
  afterAll(() => p?.close());

  const plan = (invitees: string, title = 'Kanaaloverleg') => p.command(org, `/overleg plan wanneer:"3 maart 2027 14:30" genodigden:"${invitees}" ${title}`);
  const codeOf = (seen: SeenMessage[]) => /Overleg (O-\d+)/.exec(all(seen))![1]!;
  const invitationOf = async (userId: string, code: string) => (await p.directMessages(userId)).find((m) => m.text.includes(`Uitnodiging ${code}`));

  it('invites the members in the channel, counts the others, and their DMs arrive', async () => {
    const preview = await plan('kanaal');
    const text = all(preview);
    expect(text).toContain('2 mensen in dit kanaal zijn (nog) geen lid en worden niet uitgenodigd.');
    expect(text).toContain('Fatima');
    expect(text).toContain('John');
    expect(text).not.toContain('Olga');
    const code = codeOf(preview);
    expect(all(await p.press(org, button(preview, 'Versturen')!))).toContain(`Overleg ${code} (Kanaaloverleg) is verstuurd naar 2 genodigden`);
    expect((await invitationOf(fatima, code))?.buttons.map((b) => b.label)).toEqual(['Ja', 'Nee', 'Misschien']);
    expect(await invitationOf(john, code)).toBeDefined();
    expect(await invitationOf(olga, code)).toBeUndefined();
    expect(await invitationOf(org, code)).toBeUndefined();
  });

  it('combines kanaal with mentions, each person once', async () => {
    const preview = await plan(`kanaal ${p.mention(olga)} ${p.mention(fatima)}`, 'Samen');
    const code = codeOf(preview);
    expect(all(await p.press(org, button(preview, 'Versturen')!))).toContain(`Overleg ${code} (Samen) is verstuurd naar 3 genodigden`);
    expect(await invitationOf(olga, code)).toBeDefined();
    expect((await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`))).toHaveLength(1);
  });

  it('refuses kanaal in a DM, storing nothing', async () => {
    if (!p.commandInDm) return; // the console has no DMs to type in
    const before = await meetings();
    const refused = await p.commandInDm(org, '/overleg plan wanneer:"3 maart 2027 14:30" genodigden:kanaal Privé');
    expect(all(refused)).toContain("Genodigden 'kanaal' werkt alleen in een kanaal");
    expect(button(refused, 'Versturen')).toBeUndefined();
    expect(await meetings()).toBe(before);
  });

  it('refuses more than 500 members in the channel with the number', async () => {
    const crowd = await crowdOfMembers(p, 501);
    await p.channelHas([org, ...crowd]);
    const before = await meetings();
    // The console's channel keeps everyone who ever typed there: Fatima and John too.
    const count = platform === 'console' ? 503 : 501;
    expect(all(await plan('kanaal', 'Iedereen'))).toContain(`Dat zijn ${count} genodigden; een overleg heeft er hoogstens 500.`);
    expect(await meetings()).toBe(before);
    await p.channelHas([org, fatima, john, ...strangers]);
    // The console: 501 people type a line each, slow on a busy machine.
  }, 240_000);

  if (platform === 'discord') {
    it('invites only the members who may view the channel', async () => {
      await p.channelHas([org, fatima], { hidden: [john] });
      const preview = await plan('kanaal', 'Zichtbaar');
      expect(all(preview)).toContain('Fatima');
      expect(all(preview)).not.toContain('John');
      expect(all(preview)).not.toContain('geen lid');
      await p.channelHas([org, fatima, john, ...strangers]);
    });

    it('explains how to turn on the Server Members Intent when it is off, storing nothing', async () => {
      const before = await meetings();
      p.membersIntent!(false);
      try {
        const refused = all(await plan('kanaal', 'Zonder'));
        expect(refused).toContain('de bot mag de leden van deze server niet zien');
        expect(refused).toContain('Developer Portal → de app → Bot → Server Members Intent');
      } finally {
        p.membersIntent!(true);
      }
      expect(await meetings()).toBe(before);
    });
  }
});

/** `count` approved members with an account on the platform, written at once (no 501 sign-ups). */
async function crowdOfMembers(p: MeetingPlatform, count: number): Promise<string[]> {
  const prisma = p.testBot.db.prisma;
  const ids = Array.from({ length: count }, (_, i) => `ucrowd${String(i).padStart(4, '0')}`);
  const members = ids.map((externalId) => ({ id: randomUUID(), displayName: externalId, approvedAt: new Date(), externalId }));
  await prisma.member.createMany({ data: members.map(({ id, displayName, approvedAt }) => ({ id, displayName, approvedAt })) });
  await prisma.platformIdentity.createMany({ data: members.map(({ id, externalId }) => ({ memberId: id, externalId, platform: toDbPlatform(p.platform) })) });
  return ids;
}
