// Which buttons `!N` presses, per console user: those of the last message with buttons that
// was shown to that person. A channel post is shown to everyone at the console, so its buttons
// become everyone's last buttons, also of people who have not typed anything yet; a later
// answer or direct message to one person replaces them for that person only. Because `!N`
// only ever looks at the typist's own list, nobody can press a button of someone else's
// direct message or answer.
import type { Button } from '../../core/framework/reply.ts';

interface Shown {
  /** Order of showing: the newer of a person's own buttons and the channel's wins. */
  seq: number;
  buttons: readonly Button[];
}

export class ButtonMemory {
  private seq = 0;
  private readonly own = new Map<string, Shown>();
  private channel?: Shown;

  /** A message with buttons was shown to this one person (an answer or a direct message). */
  shownTo(userId: string, buttons: readonly Button[]): void {
    if (buttons.length) this.own.set(userId, { seq: ++this.seq, buttons });
  }

  /** A message with buttons was posted where every console user reads it. */
  shownToEveryone(buttons: readonly Button[]): void {
    if (buttons.length) this.channel = { seq: ++this.seq, buttons };
  }

  /**
   * A message was edited or removed: wherever its buttons are the ones `!N` presses, the new
   * version's buttons press instead (none when it has none).
   */
  replace(old: readonly Button[], next: readonly Button[]): void {
    if (!old.length) return;
    for (const shown of this.own.values()) if (shown.buttons === old) shown.buttons = next;
    if (this.channel?.buttons === old) this.channel.buttons = next;
  }

  /** The buttons this person's `!1`, `!2` … press now. */
  pressableBy(userId: string): readonly Button[] {
    const own = this.own.get(userId);
    const channel = this.channel;
    if (own && (!channel || own.seq > channel.seq)) return own.buttons;
    return channel?.buttons ?? [];
  }
}
