// Message refs are one string per message that the core stores and compares; each adapter
// encodes its own address into one and must get exactly that address back, whatever characters
// the platform's ids contain (a thread ts with a dot, a channel with ':' or '%', emoji).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeConsoleRef, encodeConsoleRef } from '../../src/adapters/console/message-ref.ts';
import { decodeDiscordRef, encodeDiscordRef } from '../../src/adapters/discord/message-ref.ts';
import { decodeSlackRef, encodeSlackRef } from '../../src/adapters/slack/message-ref.ts';
import { platformOfRef } from '../../src/core/messages/message-ref.ts';

// Full Unicode text (well-formed: ids are never lone surrogates), often with the separator.
const id = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.stringMatching(/^[:%/.a-z0-9 ]{0,12}$/));

describe('message refs', () => {
  it('Slack: decode(encode(channel, ts)) gives the same channel and ts', () => {
    fc.assert(
      fc.property(id, id, (channel, ts) => {
        const ref = encodeSlackRef({ channel, ts });
        expect(decodeSlackRef(ref)).toEqual({ channel, ts });
        expect(platformOfRef(ref)).toBe('slack');
      }),
    );
    expect(encodeSlackRef({ channel: 'C0ALLIANTIE', ts: '1700000000.000100' })).toBe('slack:C0ALLIANTIE:1700000000.000100');
  });

  it('Discord: decode(encode(channel, message)) gives the same ids', () => {
    fc.assert(
      fc.property(id, id, (channelId, messageId) => {
        const ref = encodeDiscordRef({ channelId, messageId });
        expect(decodeDiscordRef(ref)).toEqual({ channelId, messageId });
        expect(platformOfRef(ref)).toBe('discord');
      }),
    );
  });

  it('console: decode(encode(target, n)) gives the same target and number', () => {
    fc.assert(
      fc.property(id, fc.nat(), (target, n) => {
        expect(decodeConsoleRef(encodeConsoleRef({ target, n }))).toEqual({ target, n });
      }),
    );
  });

  it('a ref of one platform never decodes as another, and malformed refs decode to nothing', () => {
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(decodeDiscordRef(encodeSlackRef({ channel: a, ts: b }))).toBeUndefined();
        expect(decodeSlackRef(encodeDiscordRef({ channelId: a, messageId: b }))).toBeUndefined();
      }),
    );
    for (const bad of ['', 'slack', 'slack:C1', 'slack:C1:1:2', 'slack:%E0%A4%A:1', 'teams:C1:1']) expect(decodeSlackRef(bad)).toBeUndefined();
    expect(decodeConsoleRef('console:me:one')).toBeUndefined();
    expect(platformOfRef('teams:C1:1')).toBeUndefined();
  });
});
