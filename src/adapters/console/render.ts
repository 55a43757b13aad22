// Neutral replies as terminal text. Buttons become numbered choices ([1] Goedkeuren) that the
// next input line presses with !1.
import { plainText, replyToPlainText, type Button, type Reply } from '../../core/framework/reply.ts';

export function renderForConsole(reply: Reply, firstNumber: number): { text: string; buttons: Button[] } {
  const lines: string[] = [];
  if (reply.title) lines.push(`== ${plainText(reply.title)} ==`);
  const body = replyToPlainText({ ...reply, title: undefined });
  if (body) lines.push(reply.isError ? `! ${body.replace(/\n/g, '\n  ')}` : body);
  const buttons = reply.buttons ?? [];
  if (buttons.length) {
    lines.push(buttons.map((button, index) => `[${firstNumber + index}] ${plainText(button.label)}`).join('   '));
  }
  return { text: lines.join('\n'), buttons };
}
