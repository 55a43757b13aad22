// /overzicht — my overview: what I have open or set here, one section per command that has
// something to show (my profile and link request, my updates; later my advice requests,
// meetings, subscriptions). The same list on Discord, in the console and in Slack's App Home.
import { defineCommand, invocable } from '../src/core/framework/declarations.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import { ephemeral, type Section } from '../src/core/framework/reply.ts';

export default defineCommand({
  name: 'overzicht',
  root: invocable({
    access: 'everyone',
    options: {},
    async run(ctx) {
      const sections = await overviewSections(ctx);
      return ephemeral({
        title: ctx.t('overview.title', { name: ctx.actor.displayName }),
        text: sections.length ? undefined : ctx.t('overview.empty'),
        sections,
      });
    },
  }),
});

/** Every command's section for this member, in the order the commands are listed. */
async function overviewSections(ctx: CommandContext): Promise<Section[]> {
  const sections: Section[] = [];
  for (const command of ctx.commands) {
    const section = await command.overview?.(ctx);
    if (section) sections.push(section);
  }
  return sections;
}
