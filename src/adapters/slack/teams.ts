// Which Slack workspaces may use the bot: its own (team_id from auth.test at start-up) and the
// ones listed in SLACK_ALLOWED_TEAMS. A request from any other workspace (possible with a
// shared signing secret, an org-wide app or a Slack Connect channel) is refused before any
// listener runs, so nothing is looked up or stored for it: commands and buttons get a short
// localised answer, forms close with it, suggestions stay empty, events are ignored.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Translate } from '../../core/i18n.ts';
import { replyView } from './modals.ts';

export interface WorkspaceOptions {
  /** Our own workspace, known once start() has run auth.test. */
  ownTeam: () => string | undefined;
  allowedTeams: readonly string[];
  t: Translate;
  log: (kind: string) => void;
  /** Keeps the refusal in the adapter's in-flight work (stop() and tests wait for the answer). */
  track: (work: () => Promise<void>) => Promise<void>;
}

type Body = Record<string, any>;

/** The workspace a request comes from: the envelope's for commands and events, else the team's or user's. */
export function teamOf(body: Body): string | undefined {
  if (typeof body.command === 'string' || body.type === 'event_callback') return body.team_id;
  return body.team?.id ?? body.user?.team_id;
}

export function workspaceCheck(options: WorkspaceOptions): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, next } = args as unknown as { body: Body; next: () => Promise<void> };
    const own = options.ownTeam();
    const allowed = new Set(options.allowedTeams);
    if (own) allowed.add(own);
    const team = teamOf(body);
    // Without a known team of our own and no list there is nothing to compare with.
    if (allowed.size === 0 || (team !== undefined && allowed.has(team))) return next();
    options.log(body.type ?? 'command');
    await options.track(() => refuse(args as unknown as Refusable, body, options.t('slack.otherWorkspace'), options.t));
  };
}

interface Refusable {
  ack?: (response?: unknown) => Promise<void>;
  respond?: (message: unknown) => Promise<unknown>;
}

async function refuse({ ack, respond }: Refusable, body: Body, text: string, t: Translate): Promise<void> {
  if (typeof body.command === 'string') return ack?.({ response_type: 'ephemeral', text });
  switch (body.type) {
    case 'block_actions':
      await ack?.();
      if (body.response_url && respond) await respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    case 'view_submission':
      return ack?.({ response_action: 'update', view: replyView({ visibility: 'ephemeral', text, isError: true }, t) });
    case 'block_suggestion':
      return ack?.({ options: [] });
    default:
      return ack?.(); // events are acknowledged by Bolt already; ack is absent then
  }
}
