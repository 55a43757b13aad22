// /overleg agenda on the console, Slack and Discord: a personal address whose calendar
// (read back with ical.js) lists my meetings with their invitation UID, answers 304 to its
// ETag until a meeting changes, and 404 (the same for both) for an unknown or replaced token.
// On Slack the feed comes from Slack's own HTTP server; elsewhere from the bot's own.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

describe.each(platformNames)('/overleg agenda on %s', (platform) => {
  let p: MeetingPlatform;
  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, 'uorg', 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, 'ufatima', 'iot', 'Fatima');
    await approveMember(p.testBot.services, platform, 'uolga', 'von', 'Olga');
  }, 240_000);
  afterAll(() => p?.close());

  /** The token in the answer, which names the default address http://HOST:PORT/agenda/<token>.ics. */
  const tokenIn = (seen: SeenMessage[]) => {
    const match = /http:\/\/0\.0\.0\.0:3000\/agenda\/([A-Za-z0-9_-]{32})\.ics/.exec(all(seen));
    expect(match, all(seen)).not.toBeNull();
    return match![1]!;
  };
  const get = (token: string, headers: Record<string, string> = {}) => fetch(`${p.feedBaseUrl}/agenda/${token}.ics`, { headers });

  it('lists my meetings, with ETag and 304, and changes when a meeting does', async () => {
    const preview = await p.command('uorg', `/overleg plan wanneer:"8 april 2027 13:00" plek:"Utrecht" genodigden:"${p.mention('ufatima')}" Kwartaaloverleg`);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press('uorg', button(preview, 'Versturen')!);
    const token = tokenIn(await p.command('ufatima', '/overleg agenda'));
    // Asking again gives the same address.
    expect(tokenIn(await p.command('ufatima', '/overleg agenda'))).toBe(token);

    const first = await get(token);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/calendar');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const calendar = new ICAL.Component(ICAL.parse(await first.text()));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const events = calendar.getAllSubcomponents('vevent').map((event) => new ICAL.Event(event));
    expect(events.map((e) => e.summary)).toEqual(['Kwartaaloverleg']);
    const meeting = await p.testBot.db.prisma.meeting.findUniqueOrThrow({ where: { number: Number(code.slice(2)) } });
    expect(events[0]!.uid).toBe(`overleg-${meeting.id}@binnenuit.invalid`);
    expect(events[0]!.startDate.toJSDate().toISOString()).toBe('2027-04-08T11:00:00.000Z');

    expect((await get(token, { 'if-none-match': etag })).status).toBe(304);
    // A move changes the file, and so its ETag.
    await p.command('uorg', `/overleg verplaats ${code} wanneer:"8 april 2027 15:00"`);
    const moved = await get(token, { 'if-none-match': etag });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).not.toBe(etag);
    expect(await moved.text()).toContain('SEQUENCE:1');
    // Someone not invited does not see it in theirs.
    const olga = await get(tokenIn(await p.command('uolga', '/overleg agenda')));
    expect(await olga.text()).not.toContain('Kwartaaloverleg');
  });

  it('agenda nieuw: the old address answers 404 exactly like an unknown one, the new one works', async () => {
    const old = tokenIn(await p.command('ufatima', '/overleg agenda'));
    const renewed = await p.command('ufatima', '/overleg agenda nieuw');
    expect(all(renewed)).toContain('Het oude adres werkt niet meer');
    const fresh = tokenIn(renewed);
    expect(fresh).not.toBe(old);
    const gone = await get(old);
    const unknown = await get('A'.repeat(32));
    const malformed = await fetch(`${p.feedBaseUrl}/agenda/..%2F..%2Fetc.ics`);
    expect([gone.status, unknown.status, malformed.status]).toEqual([404, 404, 404]);
    expect(await gone.text()).toBe(await unknown.text());
    expect((await get(fresh)).status).toBe(200);
  });
});
