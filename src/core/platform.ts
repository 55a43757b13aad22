// The chat platforms, as the core names them, and their database spelling.
export const platforms = ['slack', 'discord', 'console'] as const;
export type PlatformName = (typeof platforms)[number];
export type DbPlatform = 'SLACK' | 'DISCORD' | 'CONSOLE';

export const toDbPlatform = (platform: PlatformName): DbPlatform => platform.toUpperCase() as DbPlatform;
export const fromDbPlatform = (platform: DbPlatform): PlatformName => platform.toLowerCase() as PlatformName;

/** `slack:U123` — how configuration and user options name a platform account. */
export function parsePlatformUser(value: string): { platform: PlatformName; externalId: string } | undefined {
  const match = /^(slack|discord|console):(.+)$/.exec(value);
  return match ? { platform: match[1] as PlatformName, externalId: match[2]! } : undefined;
}
