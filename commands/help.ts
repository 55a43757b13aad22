// /help [commando] — what I can do here, in my language, and the emergency line.
import { defineCommand, describeKeys, invocable } from '../src/core/framework/declarations.ts';
import { ephemeral } from '../src/core/framework/reply.ts';
import { commandIsSensitive, commandUsage } from '../src/core/framework/usage.ts';
import { mayAccess } from '../src/core/members/members.ts';
import { string } from '../src/core/framework/options.ts';

export default defineCommand({
  name: 'help',
  root: invocable({
    access: 'everyone',
    options: { commando: string({ maxLength: 32 }) },
    async run(ctx, input) {
      const { t } = ctx;
      const wanted = input.commando?.replace(/^\//, '').toLowerCase();
      const shown = ctx.commands.filter((command) => !wanted || command.name === wanted);
      if (wanted && shown.length === 0) {
        return ephemeral({ isError: true, text: t('help.unknown', { command: wanted, known: ctx.commands.map((c) => `/${c.name}`).join(', ') }) });
      }
      const sections = shown.map((command) => {
        const usable = [command.root, ...(command.subcommands ?? [])].some((part) => part && mayAccess(ctx.actor, part.access));
        return {
          title: `/${command.name}`,
          text: [t(describeKeys.command(command.name)), ...commandUsage(command).map((line) => `\`${line}\``)].join('\n') +
            (usable ? '' : `\n_${t('help.needsApproval')}_`),
        };
      });
      return ephemeral({
        title: t('help.title'),
        text: wanted ? undefined : t('help.intro'),
        sections,
        // Commands that invite free text about people also carry the request not to name them.
        footer: shown.some(commandIsSensitive) ? t('safety.formNotice') : t('safety.emergency'),
      });
    },
  }),
});
