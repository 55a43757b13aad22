// A form a button opened survives a restart: everything its submission needs (the form's id,
// its state, where the answer goes) travels in the modal's private_metadata, so a new process
// that never saw the modal handles the submission. (Answered through the Web API, because the
// old response_url belonged to the old process's Slack here.)
import { afterAll, expect, it } from 'vitest';
import { createTestBot } from '../support/bot.ts';
import { contractCommand } from '../contract/contract-commands.ts';
import { lastOpenedView, startSlack } from './harness.ts';
import { blocksText } from './seen.ts';

const testBot = await createTestBot({ admins: ['slack:UADMIN'], extraCommands: [contractCommand] });
afterAll(() => testBot.close());

it('a form shown before a restart is handled after it, with its state', async () => {
  const before = await startSlack({ testBot });
  const asked = await before.command('UFORM', '/toets formulier');
  const button = asked.seen.flatMap((message) => message.buttons).find((candidate) => candidate.actionId === 'toets.reden')!;
  await before.press('UFORM', button as never);
  const view = lastOpenedView(before.fake);
  expect(view.blocks.find((block: any) => block.block_id === 'reden').element.initial_value).toBe('Te laat');
  await before.close();

  const after = await startSlack({ testBot });
  try {
    await after.submit('UFORM', view, { reden: 'Na de herstart', aantal: '2' });
    const answers = [...after.fake.callsTo('chat.postEphemeral', { succeeded: true }), ...after.fake.callsTo('chat.postMessage', { succeeded: true })];
    expect(answers.map((call) => blocksText(call.body.blocks ?? [])).join('\n')).toContain('Ontvangen R-7: Na de herstart (2)');
  } finally {
    await after.close();
  }
});
