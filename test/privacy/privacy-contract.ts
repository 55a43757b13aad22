// H12: /privacy on every platform, as a person there sees it: the statement, the export as a
// file in their DMs, the deletion behind *Verwijderen* (refused for someone else), and the
// audit log for admins only. Called from adapterContract (test/contract/adapter-contract.ts).
import { describe, expect, it } from 'vitest';
import type { ContractSetup, SeenMessage } from '../contract/adapter-contract.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');

export function privacyContract(setup: () => ContractSetup): void {
  describe('H12: /privacy', () => {
    it('explains what is kept, why, how long and who sees it', async () => {
      const seen = all(await setup().driver.command('u-priv-a', '/privacy'));
      for (const part of ['Wat we bewaren', 'Hoe lang', 'Wie het kan zien', '/privacy verwijder']) expect(seen).toContain(part);
    });

    it('sends the export as a JSON file in a DM', async () => {
      const env = setup();
      expect(all(await env.driver.command('u-priv-a', '/privacy export'))).toContain('als bestand in een privébericht');
      const files = (await env.driver.receivedFiles('u-priv-a')).filter((file) => file.name.endsWith('.json'));
      expect(files).toHaveLength(1);
      const exported = JSON.parse(files[0]!.bytes.toString('utf8')) as { parts: Record<string, { data: unknown }> };
      expect(exported.parts.accounts!.data).toMatchObject({ accounts: [{ platform: env.platform, id: 'u-priv-a' }] });
    });

    it('deletes only after Verwijderen, pressed by the one who asked, and audits it for admins only', async () => {
      const env = setup();
      const { services } = env.testBot;
      const asked = await env.driver.command('u-priv-b', '/privacy verwijder');
      const button = asked.flatMap((message) => message.buttons).find((b) => b.label === 'Verwijderen');
      expect(button, all(asked)).toBeDefined();
      const member = await services.privacy.findPerson({ platform: env.platform, externalId: 'u-priv-b' });
      // Someone else's press of it changes nothing.
      const other = all(await env.driver.press('u-priv-a', button!));
      expect(other).not.toContain('zijn verwijderd');
      expect(await services.privacy.exists(member!.id)).toBe(true);
      expect(all(await env.driver.press('u-priv-b', button!))).toContain('Je gegevens zijn verwijderd');
      expect(await services.privacy.exists(member!.id)).toBe(false);
      expect(all(await env.driver.command('u-priv-a', '/privacy audit'))).toContain('alleen voor beheerders');
      expect(all(await env.driver.command(env.adminId, '/privacy audit'))).toMatch(/ · verwijderd · door verwijderd lid/);
    });
  });
}
