// Discord gives a button or modal back only its custom_id (at most 100 characters). Buttons
// from replies carry `<actionId>|<value>`; the adapter's own ids start with `~`, which no
// command name can (names are [a-z0-9_-]), so the two never collide.

export const CUSTOM_ID_MAX = 100;

export type ParsedCustomId =
  | { kind: 'action'; actionId: string; value?: string }
  /** A button that opens the form of a command (prefilled from the form draft, if still there). */
  | { kind: 'form'; command: string; subcommand?: string; token?: string }
  /** A submitted modal: the command it belongs to, and the form draft of values not shown in it. */
  | { kind: 'modal'; command: string; subcommand?: string; token?: string };

/** `<actionId>|<value>`, or undefined when Discord would refuse it as too long. */
export function actionCustomId(actionId: string, value?: string): string | undefined {
  const id = value === undefined ? actionId : `${actionId}|${value}`;
  return id.length <= CUSTOM_ID_MAX ? id : undefined;
}

export function formCustomId(kind: 'form' | 'modal', command: string, subcommand?: string, token?: string): string {
  return `~${kind}|${command}|${subcommand ?? ''}|${token ?? ''}`;
}

export function parseCustomId(customId: string): ParsedCustomId | undefined {
  if (customId.startsWith('~')) {
    const [kind, command, subcommand, token] = customId.slice(1).split('|');
    if ((kind !== 'form' && kind !== 'modal') || !command) return undefined;
    return { kind, command, subcommand: subcommand || undefined, token: token || undefined };
  }
  const bar = customId.indexOf('|');
  if (bar === -1) return customId ? { kind: 'action', actionId: customId } : undefined;
  return { kind: 'action', actionId: customId.slice(0, bar), value: customId.slice(bar + 1) };
}
