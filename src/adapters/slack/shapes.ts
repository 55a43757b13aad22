// What a request from Slack must look like before Bolt and our listeners see it. Bolt trusts
// the shape of a signed body (a signed `payload=null` crashed the process on `body.ssl_check`)
// and our listeners read strings where Slack sends strings (a duplicated `text` became an
// array: "text.replace is not a function", no answer). Checking the shape here, once, keeps
// both simple: a body either fits one of the kinds the bot handles, is a kind it ignores, or
// is malformed and refused with a 400. Only the fields that are read are checked; the rest
// passes as Slack sent it.
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';
import { FORM_CALLBACK_ID } from './modals.ts';

/** Slack ids (U…, C…, T…, trigger ids, view ids, timestamps): no spaces, quotes or control characters. */
const id = z.string().regex(/^[A-Za-z0-9._-]{1,255}$/);
/** Names shown to people (user_name, channel_name): any text without control characters. */
const name = z.string().max(255).regex(/^[^\u0000-\u001f\u007f]*$/);
const url = z
  .string()
  .max(2000)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol));

const slashCommand = z.looseObject({
  command: z.string().regex(/^\/[^\s\u0000-\u001f\u007f]{1,64}$/),
  user_id: id,
  team_id: id,
  enterprise_id: id.optional(),
  channel_id: id.optional(),
  trigger_id: id.optional(),
  api_app_id: id.optional(),
  user_name: name.optional(),
  channel_name: name.optional(),
  text: z.string().optional(),
  response_url: url.optional(),
});

const user = z.looseObject({ id, name: name.optional(), username: name.optional(), team_id: id.optional() });
const team = z.looseObject({ id }).nullable().optional();
const channel = z.looseObject({ id, name: name.optional() }).nullable().optional();
const privateMetadata = z.string().max(3000).optional();

const blockActions = z
  .looseObject({
    type: z.literal('block_actions'),
    user,
    team,
    channel,
    trigger_id: id.optional(),
    response_url: url.optional(),
    container: z.looseObject({ thread_ts: id.optional() }).optional(),
    view: z.looseObject({ id: id.optional(), private_metadata: privateMetadata }).optional(),
    actions: z
      .array(z.looseObject({ type: z.string().max(64), action_id: z.string().max(255), value: z.string().max(2000).optional(), action_ts: id.optional() }))
      .min(1)
      .max(25),
  })
  // The once-only key of a press is its trigger_id (or the action's time): one must be there.
  .refine((body) => body.trigger_id !== undefined || body.actions[0]!.action_ts !== undefined);

const stateValue = z.looseObject({
  type: z.string().max(64).optional(),
  value: z.string().nullable().optional(),
  selected_option: z.looseObject({ value: z.string().max(2000).optional() }).nullable().optional(),
  selected_user: id.nullable().optional(),
});

const viewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user,
  team,
  view: z.looseObject({
    id,
    callback_id: z.string().max(255),
    private_metadata: privateMetadata,
    blocks: z.array(z.looseObject({ block_id: z.string().max(255).optional() })).max(100).optional(),
    state: z.looseObject({ values: z.record(z.string().max(255), z.record(z.string().max(255), stateValue)) }),
  }),
});

const blockSuggestion = z.looseObject({
  type: z.literal('block_suggestion'),
  user,
  team,
  action_id: z.string().max(255),
  block_id: z.string().max(255),
  value: z.string().max(2000),
  view: z.looseObject({ private_metadata: privateMetadata }).optional(),
});

const urlVerification = z.looseObject({ type: z.literal('url_verification'), challenge: z.string().max(200) });

const eventCallback = z.looseObject({
  type: z.literal('event_callback'),
  team_id: id,
  event_id: id,
  authorizations: z.array(z.looseObject({ team_id: id.nullable().optional() })).max(10).optional(),
  event: z.looseObject({
    type: z.string().regex(/^[a-z_]{1,64}$/),
    subtype: z.string().max(64).optional(),
    user: id.optional(),
    bot_id: id.optional(),
    channel: id.optional(),
    ts: id.optional(),
    thread_ts: id.optional(),
    tab: z.string().max(32).optional(),
    text: z.string().optional(),
  }),
});

/** What a request is, as far as the bot is concerned. */
export type Shape =
  | { kind: 'command' | 'interactive' | 'event' | 'url_verification' | 'ssl_check' }
  /** Well-formed, but nothing the bot listens to (a shortcut, view_closed, another callback). */
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string };

const interactiveTypes: Record<string, z.ZodType> = {
  block_actions: blockActions,
  view_submission: viewSubmission,
  block_suggestion: blockSuggestion,
};

const fits = (schema: z.ZodType, value: unknown, kind: Shape['kind']): Shape =>
  schema.safeParse(value).success ? ({ kind } as Shape) : { kind: 'invalid', reason: `malformed ${kind}` };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A slash command's fields (form fields over HTTP, the envelope payload in Socket Mode). */
export function commandShape(fields: unknown): Shape {
  return fits(slashCommand, fields, 'command');
}

/** An interactivity payload: buttons, form submissions, suggestions. */
export function interactiveShape(payload: unknown): Shape {
  if (!isObject(payload)) return { kind: 'invalid', reason: 'payload is not an object' };
  const schema = typeof payload.type === 'string' ? interactiveTypes[payload.type] : undefined;
  if (!schema) return typeof payload.type === 'string' ? { kind: 'ignored' } : { kind: 'invalid', reason: 'payload has no type' };
  const shape = fits(schema, payload, 'interactive');
  if (shape.kind !== 'interactive') return shape;
  // Bolt answers only the callbacks and suggestion ids we listen to; others would hang 3 s.
  if (payload.type === 'view_submission' && (payload.view as { callback_id: string }).callback_id !== FORM_CALLBACK_ID) return { kind: 'ignored' };
  if (payload.type === 'block_suggestion' && payload.action_id !== 'value') return { kind: 'ignored' };
  return shape;
}

/** An Events API body (JSON over HTTP, the envelope payload in Socket Mode). */
export function eventShape(body: unknown): Shape {
  if (!isObject(body)) return { kind: 'invalid', reason: 'body is not an object' };
  if (body.type === 'url_verification') return fits(urlVerification, body, 'url_verification');
  if (body.type === 'event_callback') return fits(eventCallback, body, 'event');
  return typeof body.type === 'string' ? { kind: 'ignored' } : { kind: 'invalid', reason: 'body has no type' };
}

/**
 * A form-encoded body as Bolt will read it (node:querystring): a duplicated field would become
 * an array, so any repeated name is refused, as is a `payload` that is not a JSON object.
 */
export function formShape(raw: string): Shape {
  // Parsed exactly as Bolt parses it, without its 1,000-field cut-off, so nothing hides past it.
  const parsed = parseQuery(raw, '&', '=', { maxKeys: 0 });
  const keys = Object.keys(parsed);
  // Slack sends a few dozen fields at most.
  if (keys.length > 100) return { kind: 'invalid', reason: 'too many fields' };
  // No prototype: a field named __proto__ stays a field.
  const fields: Record<string, string> = Object.create(null);
  for (const key of keys) {
    const value = parsed[key];
    if (typeof value !== 'string') return { kind: 'invalid', reason: 'duplicated field' };
    fields[key] = value;
  }
  if (fields.ssl_check === '1') return { kind: 'ssl_check' };
  if (Object.hasOwn(fields, 'payload')) {
    let payload: unknown;
    try {
      payload = JSON.parse(fields.payload!);
    } catch {
      return { kind: 'invalid', reason: 'payload is not JSON' };
    }
    return interactiveShape(payload);
  }
  if (Object.hasOwn(fields, 'command')) return commandShape(fields);
  return { kind: 'invalid', reason: 'neither a command nor a payload' };
}

/** A JSON body: an Events API request. */
export function jsonShape(raw: string): Shape {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', reason: 'body is not JSON' };
  }
  return eventShape(body);
}
