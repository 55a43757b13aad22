// A reference to one message the bot sent, on any platform: one opaque string such as
// `slack:C123:1700000000.000100` or `discord:5000:7000`. The core stores and compares refs and
// may read their platform prefix; what follows it belongs to the adapter that wrote it (each
// adapter has its own encode/decode next to its delivery code), so the core never depends on
// how a platform addresses a message. Future features edit or delete a sent message by its ref.
import { platforms, type PlatformName } from '../platform.ts';

/** A branded string, so a ref is not mistaken for a channel id or any other text. */
export type MessageRef = string & { readonly __messageRef: true };

/**
 * Joins a platform and its parts into a ref. Each part is percent-encoded, so ids with `:`,
 * `%`, spaces or any other character survive the round trip through `splitMessageRef`.
 */
export function joinMessageRef(platform: PlatformName, parts: readonly string[]): MessageRef {
  return [platform, ...parts.map(encodeURIComponent)].join(':') as MessageRef;
}

/** The parts of a ref of this platform with `count` parts; undefined for anything else. */
export function splitMessageRef(ref: string, platform: PlatformName, count: number): string[] | undefined {
  const [prefix, ...parts] = ref.split(':');
  if (prefix !== platform || parts.length !== count) return undefined;
  try {
    return parts.map(decodeURIComponent);
  } catch {
    // A malformed escape: not a ref we wrote.
    return undefined;
  }
}

/** The platform a ref belongs to, read from its prefix. */
export function platformOfRef(ref: string): PlatformName | undefined {
  const prefix = ref.slice(0, ref.indexOf(':'));
  return (platforms as readonly string[]).includes(prefix) ? (prefix as PlatformName) : undefined;
}
