// herinnering:"…" on /overleg plan on the console, Slack and Discord: the preview and the
// invitation say when the reminders go, they are planned at those times for a Ja, `geen` plans
// none, and a reminder that cannot be read is refused with an example, storing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

describe.each(platformNames)('reminder times per meeting on %s', (platform) => {
  let p: MeetingPlatform;
  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, 'uorg', 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, 'ufatima', 'iot', 'Fatima');
  }, 240_000);
  afterAll(() => p?.close());

  const plan = (line: string) => p.command('uorg', `/overleg plan ${line} genodigden:"${p.mention('ufatima')}"`);
  async function sendAndSayJa(line: string) {
    const preview = await plan(line);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press('uorg', button(preview, 'Versturen')!);
    const invitation = (await p.directMessages('ufatima')).filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
    await p.press('ufatima', button([invitation], 'Ja')!);
    const meeting = (await p.testBot.db.prisma.meeting.findFirst({ where: { number: Number(code.slice(2)) } }))!;
    const rows = await p.testBot.db.prisma.outboxMessage.findMany({ where: { groupKey: { startsWith: `meeting:${meeting.id}:reminder:` }, status: 'PENDING' } });
    return { preview, invitation, start: meeting.startsAt.getTime(), planned: rows.map((row) => row.sendAt!.getTime()).sort() };
  }

  it('plans the reminders typed, and says so in the preview and the invitation', async () => {
    const { preview, invitation, start, planned } = await sendAndSayJa('wanneer:"22 maart 2027 14:00" herinnering:"2 dagen en 30 min" Eigen herinneringen');
    expect(all(preview)).toContain('2 dagen en 30 minuten voor het begin');
    expect(invitation.text).toContain('2 dagen en 30 minuten voor het begin');
    expect(planned).toEqual([start - 2 * 86_400_000, start - 30 * 60_000]);
  });

  it('without herinnering: 24 and 1 hour; with geen: none', async () => {
    const standard = await sendAndSayJa('wanneer:"23 maart 2027 14:00" Standaard');
    expect(all(standard.preview)).toContain('1 dag en 1 uur voor het begin');
    expect(standard.planned).toEqual([standard.start - 86_400_000, standard.start - 3_600_000]);
    const none = await sendAndSayJa('wanneer:"24 maart 2027 14:00" herinnering:geen Stil');
    expect(none.planned).toEqual([]);
  });

  it('refuses what it cannot read, storing nothing', async () => {
    const before = await p.testBot.db.prisma.meeting.count();
    expect(all(await plan('wanneer:"25 maart 2027 14:00" herinnering:"straks" Vaag'))).toContain('herinnering "straks" niet lezen');
    expect(all(await plan('wanneer:"25 maart 2027 14:00" herinnering:"20 dagen" Te vroeg'))).toContain('tussen 5 minuten en 14 dagen');
    expect(await p.testBot.db.prisma.meeting.count()).toBe(before);
  });
});
