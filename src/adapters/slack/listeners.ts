// Slack events into Bot requests, whatever transport brought them (HTTP or Socket Mode).
// Every listener acknowledges first (Slack wants that within 3 seconds) and then does the work;
// the only exception is a form submission, whose field errors must travel in the ack itself.
// The dedupe keys are chosen so that a redelivery finds its key taken:
//   slash command  slack:cmd:<trigger_id>     Slack sends no event id; the trigger_id is unique
//                                             per invocation and a retried request repeats it
//                                             (the request timestamp does not: it is re-signed)
//   button         slack:action:<trigger_id> a second click is a new trigger_id, handled by
//                                             the core's own once-only rules (decided already)
//   form           slack:view:<view id>       one modal creates at most one thing, however often
//                                             Submit arrives; a rejected submission claims nothing
import type {
  AllMiddlewareArgs,
  RespondFn,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  webApi,
} from '@slack/bolt';
import type { Bot, Outcome, Requester } from '../../core/bot.ts';
import type { Place } from '../../core/framework/context.ts';
import type { AutocompleteChoice } from '../../core/framework/declarations.ts';
import { commandUsage } from '../../core/framework/usage.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import type { Answers, AnswerTarget } from './answers.ts';
import type { UserDirectory } from './directory.ts';
import { HOME_ACTION_ID, buildHome, decodeHomeAction } from './home.ts';
import type { InFlight } from './inflight.ts';
import { FORM_CALLBACK_ID, decodeOrigin, formView, modalErrors, readSubmission, replyView, suggestedFields, type FormOrigin } from './modals.ts';
import { parseActionId, truncate } from './render.ts';
import { encodeSlackRef } from './message-ref.ts';

export interface ListenerDeps {
  bot: Bot;
  directory: UserDirectory;
  answers: Answers;
  inflight: InFlight;
  logger: Logger;
  /** How long a form submission may take before the modal is closed and the answer sent later. */
  formAckBudgetMs?: number;
}

const DEFAULT_FORM_ACK_BUDGET_MS = 2500;
const TIMED_OUT = Symbol('timed out');

export function registerListeners(app: App, deps: ListenerDeps): void {
  const tracked =
    <A>(name: string, handle: (args: A) => Promise<void>) =>
    (args: A): Promise<void> =>
      deps.inflight.run(async () => {
        try {
          await handle(args);
        } catch (error) {
          deps.logger.error({ listener: name, err: safeError(error) }, 'slack listener failed');
        }
      });

  app.command(/^\/.+/, tracked<CommandArgs>('command', (args) => onCommand(deps, args)));
  app.action<BlockAction>({ type: 'block_actions' }, tracked<ActionArgs>('action', (args) => onAction(deps, args)));
  app.view<ViewSubmitAction>(FORM_CALLBACK_ID, tracked<ViewArgs>('view', (args) => onSubmit(deps, args)));
  app.options<'block_suggestion'>('value', tracked<OptionsArgs>('options', (args) => onSuggest(deps, args)));
  app.event('app_home_opened', tracked<HomeArgs>('home', (args) => onHomeOpened(deps, args)));
  app.event('message', tracked<MessageArgs>('message', (args) => onMessage(deps, args)));
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type OptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
type HomeArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;
type MessageArgs = SlackEventMiddlewareArgs<'message'> & AllMiddlewareArgs;

/** A DM is no channel as far as the core is concerned (updates posted there belong nowhere). */
export function placeOf(channelId: string | undefined, channelName?: string, threadRef?: string): Place {
  const isDm = !channelId || channelId.startsWith('D') || channelName === 'directmessage';
  return isDm ? { platform: 'slack', threadRef } : { platform: 'slack', channelRef: channelId, channelName, threadRef };
}

/**
 * The command text as the person typed it: Slack escapes &, < and >. Mentions (<@U123|naam>,
 * sent for commands with should_escape, see manifest.ts) stay as they are; the core reads them.
 */
export function readCommandText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

async function onCommand(deps: ListenerDeps, { command, ack: slackAck, respond, client }: CommandArgs): Promise<void> {
  const ack = ackOnce(slackAck);
  try {
    await handleCommand(deps, command, ack, respond, client);
  } finally {
    // Whatever happened, Slack hears back within its 3 seconds.
    await ack();
  }
}

async function handleCommand(deps: ListenerDeps, command: CommandArgs['command'], ack: () => Promise<void>, respond: RespondFn, client: webApi.WebClient): Promise<void> {
  if (!command.user_id || !command.command) return;
  const name = command.command.replace(/^\//, '').toLowerCase();
  const requester = await requesterSoon(deps, command.user_id, command.user_name);
  const place = placeOf(command.channel_id, command.channel_name);
  const eventKey = command.trigger_id ? `slack:cmd:${command.trigger_id}` : undefined;
  const route: SlackRoute = { userId: command.user_id, responseUrl: command.response_url, channelRef: place.channelRef };
  const outcome = await deps.bot.handleText({
    requester,
    place,
    command: name,
    text: readCommandText(command.text ?? ''),
    eventKey,
    formsAvailable: Boolean(command.trigger_id),
    // Stored first, then acknowledged: what Slack was told "got it" survives a crash.
    route,
    acknowledge: ack,
    acknowledgedOnReceipt: true,
  });
  const origin: FormOrigin = {
    command: name,
    channelRef: place.channelRef,
    channelName: command.channel_name,
    responseUrl: command.response_url,
  };
  await show(deps, outcome, { userId: command.user_id, respond, channelRef: origin.channelRef }, { client, triggerId: command.trigger_id, origin });
  await deps.bot.answered(eventKey);
}

async function onAction(deps: ListenerDeps, { ack: slackAck, body, action, respond, client }: ActionArgs): Promise<void> {
  const ack = ackOnce(slackAck);
  try {
    await handleAction(deps, body, action, ack, respond, client);
  } finally {
    await ack();
  }
}

async function handleAction(deps: ListenerDeps, body: ActionArgs['body'], action: ActionArgs['action'], ack: () => Promise<void>, respond: RespondFn, client: webApi.WebClient): Promise<void> {
  if (action.type !== 'button' || !body.user?.id) return;
  const requester = await requesterSoon(deps, body.user.id, body.user.name ?? body.user.username);
  const threadRef = (body.container as { thread_ts?: string } | undefined)?.thread_ts;
  const place = placeOf(body.channel?.id, body.channel?.name, threadRef);
  const eventKey = `slack:action:${body.trigger_id ?? action.action_ts}`;
  const target: AnswerTarget = { userId: body.user.id, respond: body.response_url ? respond : undefined, channelRef: place.channelRef, threadRef };
  const actionId = parseActionId(action.action_id);

  if (actionId === HOME_ACTION_ID) {
    // Home tab buttons open the command's form; an immediate answer shows in a modal.
    const entry = decodeHomeAction(action.value);
    if (!entry) return;
    const outcome = await deps.bot.handleCommand({ requester, place, command: entry.command, subcommand: entry.subcommand, values: {}, eventKey, formsAvailable: true, acknowledge: ack });
    if (outcome.kind === 'reply' || outcome.kind === 'invalid') {
      await client.views.open({ trigger_id: body.trigger_id, view: replyView(outcome.reply, outcome.t) });
    } else {
      await show(deps, outcome, target, { client, triggerId: body.trigger_id, origin: { command: entry.command, subcommand: entry.subcommand } });
    }
    await deps.bot.answered(eventKey);
    return;
  }
  const route: SlackRoute = { userId: body.user.id, responseUrl: body.response_url, channelRef: place.channelRef, threadRef };
  const outcome = await deps.bot.handleAction({ requester, place, actionId, value: action.value, eventKey, route, acknowledge: ack, acknowledgedOnReceipt: true });
  // A button may answer with a form (Reply.form): a modal on this press's trigger_id, whose
  // private_metadata carries the form's id and state and where the answer goes.
  const origin: FormOrigin = { command: '', channelRef: place.channelRef, channelName: body.channel?.name, responseUrl: body.response_url };
  await show(deps, outcome, target, { client, triggerId: body.trigger_id, origin });
  await deps.bot.answered(eventKey);
}

async function onSubmit(deps: ListenerDeps, { ack: slackAck, body, view }: ViewArgs): Promise<void> {
  const started = Date.now();
  let acked = false;
  const eventKey = `slack:view:${view.id}`;
  const ack: typeof slackAck = async (response) => {
    if (acked) return;
    acked = true;
    await slackAck(response);
    // The modal closed: from now on the submission must survive a crash.
    if (!response) await deps.bot.acknowledged(eventKey);
  };
  try {
    const origin = decodeOrigin(view.private_metadata);
    if (!origin || !body.user?.id) return;
    const requester = await requesterSoon(deps, body.user.id, body.user.name);
    const route: SlackRoute = { userId: body.user.id, responseUrl: origin.responseUrl, channelRef: origin.channelRef };
    const work = deps.bot.handleCommand({
      requester,
      place: placeOf(origin.channelRef, origin.channelName),
      command: origin.command,
      subcommand: origin.subcommand,
      values: readSubmission(view.state),
      eventKey,
      route,
    });
    const budget = (deps.formAckBudgetMs ?? DEFAULT_FORM_ACK_BUDGET_MS) - (Date.now() - started);
    const first = await Promise.race([work, delay(budget)]);
    if (first !== TIMED_OUT && first.kind === 'invalid') {
      const errors = modalErrors(view, first.errors);
      if (Object.keys(errors).length > 0) {
        await ack({ response_action: 'errors', errors });
        return;
      }
    }
    // Close the modal; slow work (past the budget) answers when it is done, errors included.
    await ack();
    const target: AnswerTarget = { userId: body.user.id, responseUrl: origin.responseUrl, channelRef: origin.channelRef };
    await show(deps, first === TIMED_OUT ? await work : first, target);
    await deps.bot.answered(eventKey);
  } finally {
    // Whatever happened, Slack hears back (a failure is logged by the caller).
    await ack();
  }
}

async function onSuggest(deps: ListenerDeps, { ack, body }: OptionsArgs): Promise<void> {
  const origin = decodeOrigin(body.view?.private_metadata);
  if (!origin || !body.user?.id) {
    await ack({ options: [] });
    return;
  }
  let choices: AutocompleteChoice[] = [];
  try {
    choices = await deps.bot.autocomplete({
      requester: { platform: 'slack', userId: body.user.id, displayName: body.user.name },
      command: origin.command,
      subcommand: origin.subcommand,
      option: body.block_id,
      partial: body.value ?? '',
    });
  } finally {
    // Always an answer, if need be an empty list: the menu must not hang.
    await ack({
      options: choices.slice(0, 100).map((choice) => ({
        text: { type: 'plain_text' as const, text: truncate(choice.label, 75) },
        value: choice.value.slice(0, 150),
      })),
    });
  }
}

async function onHomeOpened(deps: ListenerDeps, { event, client }: HomeArgs): Promise<void> {
  if (event.tab && event.tab !== 'home') return;
  const requester = await deps.directory.requester(event.user);
  await client.views.publish({ user_id: event.user, view: await buildHome(deps.bot, requester, deps.logger) });
}

/**
 * A message someone wrote in a thread: handed to the Bot, which keeps it when the thread is one
 * the bot opened (a discussion registered by show() below, on the ts of the bot's channel
 * message) and relays it to the other places of its conversation. A reply in the thread of a
 * bot message in a DM may answer a private conversation (replyTo). In a group DM (mpim: the
 * shared place of a private conversation) people write at the top level as well as in threads:
 * both are handed on, and a message outside the bot's threads there belongs to the
 * conversation opened there last (channelWide). The bot's own messages (bot_id: relays among
 * them) never go in, so a relay cannot loop.
 */
async function onMessage(deps: ListenerDeps, { event, body }: MessageArgs): Promise<void> {
  const message = event as { subtype?: string; bot_id?: string; user?: string; ts: string; thread_ts?: string; channel: string; channel_type?: string; text?: string };
  const ordinary = message.subtype === undefined || message.subtype === 'thread_broadcast' || message.subtype === 'file_share';
  const inThread = Boolean(message.thread_ts) && message.thread_ts !== message.ts;
  const group = message.channel_type === 'mpim';
  if (!ordinary || message.bot_id || !message.user || !(inThread || group)) return;
  const profile = await deps.directory.lookup(message.user);
  const eventId = (body as { event_id?: string }).event_id;
  const threadRef = inThread ? message.thread_ts! : message.ts;
  const result = await deps.bot.threadMessage({
    platform: 'slack',
    channelRef: message.channel,
    threadRef,
    messageRef: message.ts,
    author: { platform: 'slack', userId: message.user, displayName: profile.displayName },
    text: message.text ?? '',
    eventKey: `slack:event:${eventId ?? `${message.channel}:${message.ts}`}`,
    ...(inThread ? { replyTo: encodeSlackRef({ channel: message.channel, ts: threadRef }) } : {}),
    ...(group ? { channelWide: true } : {}),
  });
  if (result === 'stored') deps.logger.info({ channel: message.channel, thread: threadRef }, 'thread reply stored');
}

/** An outcome made visible: an answer, a form, or (for a duplicate) nothing at all. */
export async function show(
  deps: Pick<ListenerDeps, 'bot' | 'answers' | 'logger'>,
  outcome: Outcome,
  target: AnswerTarget,
  forms?: { client: webApi.WebClient; triggerId?: string; origin: FormOrigin },
): Promise<void> {
  if (outcome.kind === 'duplicate') return;
  // The outcome carries the person's language: no second lookup (the database may be away).
  const { t } = outcome;
  if (outcome.kind === 'form') {
    const opened = forms?.triggerId ? await openForm(deps, forms.client, forms.triggerId, outcome, forms.origin) : false;
    if (opened) return;
    const command = deps.bot.findCommand(outcome.form.command);
    const usage = command ? commandUsage(command).join('\n') : `/${outcome.form.command}`;
    await deps.answers.send({ visibility: 'ephemeral', isError: true, text: t('slack.formFailed', { usage }) }, target, t);
    return;
  }
  const landed = await deps.answers.send(outcome.reply, target, t);
  // Replies in the thread of this message are kept from now on (onMessage).
  if (landed && outcome.reply.discussion) {
    // The post's own ref too: the subject may edit it later (an update edited or withdrawn).
    await deps.bot.discussionStarted({ platform: 'slack', channelRef: landed.channelRef, threadRef: landed.ts }, outcome.reply.discussion, encodeSlackRef({ channel: landed.channelRef, ts: landed.ts }));
  }
}

async function openForm(
  deps: Pick<ListenerDeps, 'bot' | 'logger'>,
  client: webApi.WebClient,
  triggerId: string,
  outcome: Extract<Outcome, { kind: 'form' }>,
  origin: FormOrigin,
): Promise<boolean> {
  const { form, t } = outcome;
  const view = formView(form, { ...origin, command: form.command, subcommand: form.subcommand }, t, suggestedFields(deps.bot, form.command, form.subcommand));
  try {
    await client.views.open({ trigger_id: triggerId, view });
    return true;
  } catch (error) {
    // Typically an expired trigger_id (more than 3 seconds since the command).
    deps.logger.warn({ command: form.command, err: safeError(error) }, 'slack views.open failed');
    return false;
  }
}

/** How to answer a stored request later (after a crash): see SlackAdapter.answerLater. */
export interface SlackRoute {
  userId: string;
  responseUrl?: string;
  channelRef?: string;
  threadRef?: string;
}

/** Bolt's ack, callable any number of times; only the first reaches Slack. */
function ackOnce(ack: () => Promise<void>): () => Promise<void> {
  let acked: Promise<void> | undefined;
  return () => (acked ??= ack());
}

/** Who it is: Slack's profile when it comes quickly (it is cached), else the name the event carried. */
const PROFILE_WAIT_MS = 700;
async function requesterSoon(deps: ListenerDeps, userId: string, fallbackName?: string): Promise<Requester> {
  const fallback: Requester = { platform: 'slack', userId, displayName: fallbackName ?? userId };
  const looking = deps.directory.requester(userId, fallbackName);
  const timeout = new Promise<Requester>((resolve) => setTimeout(() => resolve(fallback), PROFILE_WAIT_MS).unref());
  return Promise.race([looking.catch(() => fallback), timeout]);
}

function delay(ms: number): Promise<typeof TIMED_OUT> {
  return new Promise((resolve) => setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms)).unref());
}
