// Personal calendar feeds: `/overleg agenda` gives a member an unguessable address that lists
// the meetings they organise or are invited to, for Outlook or Google Calendar to subscribe
// to; `/overleg agenda nieuw` replaces it (the old one then answers 404 like any unknown one).
// The file only changes when a meeting does, so its ETag lets calendars ask cheaply. A series
// with exceptions is listed as its RRULE with EXDATEs (cancelled occurrences) plus one VEVENT
// with RECURRENCE-ID per moved occurrence.
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store.ts';
import { feedIcs } from './ics.ts';
import { icsEvents } from './messages.ts';
import { meetingInclude, toMeetingView } from './meetings.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Past meetings stay in the feed this long (calendars show the recent past too). */
const PAST_DAYS = 30;

/** 32 characters of base64url: 192 random bits. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export interface FeedFile {
  body: string;
  etag: string;
}

export class MeetingFeeds {
  constructor(
    private readonly store: Store,
    private readonly timezone: string,
  ) {}

  /** The member's token, made on first use. */
  async token(memberId: string): Promise<string> {
    const existing = await this.store.meetingFeed.findUnique({ where: { memberId } });
    if (existing) return existing.token;
    await this.store.meetingFeed.createMany({ data: [{ memberId, token: newToken() }], skipDuplicates: true });
    return (await this.store.meetingFeed.findUniqueOrThrow({ where: { memberId } })).token;
  }

  /** A new token; the old address stops working at once. */
  async renew(memberId: string): Promise<string> {
    const token = newToken();
    await this.store.meetingFeed.upsert({ where: { memberId }, create: { memberId, token }, update: { token, createdAt: new Date() } });
    return token;
  }

  /** The feed behind a token; undefined for an unknown or replaced one (the caller says 404 either way). */
  async file(token: string, now = new Date()): Promise<FeedFile | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const feed = await this.store.meetingFeed.findUnique({ where: { token } });
    if (!feed) return undefined;
    const rows = await this.store.meeting.findMany({
      where: {
        status: { in: ['SENT', 'CANCELLED'] },
        // A series stays in the feed (with its RRULE) while its end date is recent.
        AND: [{ OR: [{ endsAt: { gt: new Date(now.getTime() - PAST_DAYS * DAY_MS) } }, { repeatUntil: { gt: new Date(now.getTime() - PAST_DAYS * DAY_MS) } }] }],
        OR: [{ organizerId: feed.memberId }, { invitees: { some: { memberId: feed.memberId } } }],
      },
      orderBy: { startsAt: 'asc' },
      include: meetingInclude,
    });
    // DTSTAMP is the latest change, not the time of the request: the same meetings give the
    // same bytes, so the ETag stays until something changes.
    const stamp = rows.reduce((latest, row) => (row.updatedAt > latest ? row.updatedAt : latest), new Date(0));
    const body = feedIcs(rows.flatMap((row) => icsEvents(toMeetingView(row))), { timezone: this.timezone, stamp, name: 'Binnenuit' });
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}
