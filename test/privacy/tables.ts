// Every row of every table as text: the database's content, searched for a string. Sealed
// payloads and fields are opened too (the key is on this machine), so "no table holds it" means
// nothing readable is left, encrypted or not. Used by the deletion tests (privacy, advice).
import type { TestBot } from '../support/bot.ts';

export async function tablesContaining(env: TestBot, needle: string): Promise<string[]> {
  const tables = await env.db.prisma.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
  const found: string[] = [];
  for (const { tablename } of tables) {
    const rows = await env.db.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
    const readable = rows.map((r) => r.row.replace(/v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*/g, (sealed) => env.services.cipher.decrypt(sealed)));
    if (readable.some((row) => row.includes(needle))) found.push(tablename);
  }
  return found;
}
