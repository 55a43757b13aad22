// What the advice messages say: the DM an adviser (or each coordinator) gets about a request,
// changed in place as the request moves on, and what the requester hears. Built per
// recipient language; the question is only ever sent in direct messages.
import { createFormatter } from '../format.ts';
import type { Button, Reply, Section } from '../framework/reply.ts';
import type { Locale, Translate } from '../i18n.ts';
import type { AdviceView } from './requests.ts';

/** The latest thing that happened to a request, shown in every copy of its DM. */
export type Outcome =
  | { kind: 'offered' }
  | { kind: 'queued'; reason?: 'nobody' | 'handedBack' }
  | { kind: 'accepted'; by: string }
  | { kind: 'waiting'; by: string; accepted: boolean }
  | { kind: 'handedOver'; by: string; to?: string }
  | { kind: 'closed'; by: string };

export function requestSection(t: Translate, locale: Locale, timezone: string, request: AdviceView): Section {
  const format = createFormatter(locale, timezone);
  const fields = [
    { label: t('advice.fields.theme'), value: t(`choices.${request.theme}`) },
    { label: t('advice.fields.urgency'), value: t(request.urgent ? 'choices.hoog' : 'choices.normaal') },
    { label: t('advice.fields.requester'), value: request.requesterName },
    ...(request.organisation ? [{ label: t('advice.fields.organisation'), value: request.organisation }] : []),
    ...(request.contact ? [{ label: t('advice.fields.contact'), value: t(`choices.${request.contact}`) }] : []),
    { label: t('advice.fields.created'), value: format.dateTime(request.createdAt) },
  ];
  return { title: t('advice.fields.question'), text: request.question, fields };
}

const button = (t: Translate, name: string, id: string, style?: Button['style']): Button => ({ actionId: `advies.${name}`, label: t(`advice.buttons.${name}`), value: id, ...(style ? { style } : {}) });

/** Which buttons still make sense after this outcome: decided ones are gone. */
export function offerButtons(t: Translate, request: Pick<AdviceView, 'id'>, outcome: Outcome): Button[] {
  const { id } = request;
  switch (outcome.kind) {
    case 'offered':
    case 'queued':
      return [button(t, 'oppakken', id, 'primary'), button(t, 'overdragen', id), button(t, 'vraagstellen', id), button(t, 'afsluiten', id)];
    case 'accepted':
      return [button(t, 'overdragen', id), button(t, 'vraagstellen', id), button(t, 'afsluiten', id)];
    case 'waiting':
      return [...(outcome.accepted ? [] : [button(t, 'oppakken', id, 'primary')]), button(t, 'overdragen', id), button(t, 'afsluiten', id)];
    default:
      return [];
  }
}

/** The DM about a request, for an adviser it is offered to or a coordinator, in its current state. */
export function offerNotice(t: Translate, locale: Locale, timezone: string, request: AdviceView, outcome: Outcome): Reply {
  const intro = outcomeLine(t, outcome);
  return {
    visibility: 'ephemeral',
    title: t(request.urgent ? 'advice.offer.titleUrgent' : 'advice.offer.title', { number: request.number }),
    text: intro,
    sections: [requestSection(t, locale, timezone, request)],
    buttons: offerButtons(t, request, outcome),
    footer: t('safety.formNotice'),
  };
}

function outcomeLine(t: Translate, outcome: Outcome): string {
  switch (outcome.kind) {
    case 'offered':
      return t('advice.offer.offered');
    case 'queued':
      return t(outcome.reason === 'handedBack' ? 'advice.offer.handedBack' : 'advice.offer.queued');
    case 'accepted':
      return t('advice.outcome.accepted', { name: outcome.by });
    case 'waiting':
      return t('advice.outcome.waiting', { name: outcome.by });
    case 'handedOver':
      return outcome.to ? t('advice.outcome.handedOver', { name: outcome.by, to: outcome.to }) : t('advice.outcome.handedBack', { name: outcome.by });
    case 'closed':
      return t('advice.outcome.closed', { name: outcome.by });
  }
}

/** To the requester: an adviser picked their request up and the conversation is open. */
export function acceptedForRequester(t: Translate, request: AdviceView, adviser: string): Reply {
  return { visibility: 'ephemeral', text: t('advice.requester.accepted', { number: request.number, name: adviser }), footer: t('safety.formNotice') };
}

/** To the requester: the adviser has a question (the clock stands still until they answer). */
export function questionForRequester(t: Translate, request: AdviceView, adviser: string): Reply {
  return { visibility: 'ephemeral', text: t('advice.requester.question', { number: request.number, name: adviser }) };
}

/** Heropenen: on every closing notice; whether it is still in time is checked when pressed. */
export function reopenButton(t: Translate, request: Pick<AdviceView, 'id'>): Button {
  return { actionId: 'advies.heropenen', label: t('advice.buttons.heropenen'), value: request.id };
}

/** To the requester: closed, with the adviser's summary, the rating buttons and Heropenen. */
export function closedForRequester(t: Translate, request: AdviceView, adviser: string, reopenDays: number, rated?: number): Reply {
  const buttons: Button[] = rated
    ? []
    : [1, 2, 3, 4, 5].map((score) => ({ actionId: 'advies.cijfer', label: String(score), value: `${request.id}.${score}` }));
  return {
    visibility: 'ephemeral',
    title: t('advice.requester.closedTitle', { number: request.number }),
    text: t('advice.requester.closed', { name: adviser }),
    sections: [
      { title: t('advice.fields.summary'), text: request.summary ?? '' },
      { text: [rated ? t('advice.requester.rated', { score: rated }) : t('advice.requester.rate'), t('advice.reopened.hint', { days: reopenDays })].join('\n') },
    ],
    buttons: [...buttons, reopenButton(t, request)],
  };
}

/** To the adviser: their copy of the closing, with Heropenen for the reopen period. */
export function closedForAdviser(t: Translate, request: AdviceView, closedBy: string, reopenDays: number): Reply {
  return {
    visibility: 'ephemeral',
    text: [t('advice.closedCopy', { number: request.number, name: closedBy }), t('advice.reopened.hint', { days: reopenDays })].join('\n'),
    buttons: [reopenButton(t, request)],
  };
}
