// A reply too long for one platform message becomes several, in reading order. Adapters pass
// their platform's budget; splitting is done here once so every platform cuts the same way:
// on paragraph boundaries first, then lines, then words, and only as a last resort mid-word.
// The title goes on the first part; footer and buttons on the last (where the reader ends).
import type { Reply, Section } from '../framework/reply.ts';
import type { MessageRef } from '../messages/message-ref.ts';

export interface SplitLimits {
  /** Characters of text (title, text, sections, footer) one part may hold. */
  maxChars: number;
  /** Sections one part may hold (Slack: blocks; Discord: fields and embeds). */
  maxSections: number;
}

/** The reply as one or more replies that each fit the limits; a reply that fits is returned as is. */
export function splitReply(reply: Reply, limits: SplitLimits): Reply[] {
  if (fits(reply, limits)) return [reply];
  const { buttons, footer, title, text, sections, ...rest } = reply;
  const parts: Reply[] = [];
  let current: Reply = { ...rest, ...(title ? { title } : {}) };
  let used = title?.length ?? 0;
  let sectionCount = 0;
  const next = () => {
    parts.push(current);
    // Later parts carry no title and no discussion: those belong to the first message.
    current = { ...rest, discussion: undefined };
    used = 0;
    sectionCount = 0;
  };
  for (const piece of chunks(text ?? '', limits.maxChars)) {
    if (used + piece.length > limits.maxChars && (current.text || current.title)) next();
    current.text = current.text ? `${current.text}\n\n${piece}` : piece;
    used += piece.length;
  }
  for (const section of sections ?? []) {
    for (const piece of sectionPieces(section, limits.maxChars)) {
      const size = sectionSize(piece);
      if ((used + size > limits.maxChars || sectionCount >= limits.maxSections) && (used > 0 || sectionCount > 0)) next();
      (current.sections ??= []).push(piece);
      used += size;
      sectionCount += 1;
    }
  }
  if (footer && used + footer.length > limits.maxChars && used > 0) next();
  if (footer) current.footer = footer;
  if (buttons) current.buttons = buttons;
  parts.push(current);
  return parts.map(clean);
}

function fits(reply: Reply, limits: SplitLimits): boolean {
  const size = (reply.title?.length ?? 0) + (reply.text?.length ?? 0) + (reply.footer?.length ?? 0) + (reply.sections ?? []).reduce((sum, s) => sum + sectionSize(s), 0);
  return size <= limits.maxChars && (reply.sections?.length ?? 0) <= limits.maxSections;
}

function sectionSize(section: Section): number {
  return (section.title?.length ?? 0) + (section.text?.length ?? 0) + (section.fields ?? []).reduce((sum, f) => sum + f.label.length + f.value.length, 0);
}

/** A section whose text is too long becomes several: the title stays on the first. */
function sectionPieces(section: Section, maxChars: number): Section[] {
  if (sectionSize(section) <= maxChars) return [section];
  const budget = Math.max(1, maxChars - (section.title?.length ?? 0));
  const texts = chunks(section.text ?? '', budget);
  const pieces: Section[] = texts.map((text, index) => ({ ...(index === 0 && section.title ? { title: section.title } : {}), text }));
  if (section.fields?.length) pieces.push({ fields: section.fields });
  return pieces;
}

/** Text in pieces of at most `max` characters, cut at the widest boundary that works. */
export function chunks(text: string, max: number): string[] {
  if (!text) return [];
  if (text.length <= max) return [text];
  for (const separator of ['\n\n', '\n', ' ']) {
    const units = text.split(separator);
    if (units.length < 2) continue;
    const out: string[] = [];
    let current = '';
    for (const unit of units) {
      if (unit.length > max) {
        if (current) out.push(current);
        out.push(...chunks(unit, max));
        current = '';
      } else if (!current) current = unit;
      else if (current.length + separator.length + unit.length <= max) current += separator + unit;
      else {
        out.push(current);
        current = unit;
      }
    }
    if (current) out.push(current);
    return out.filter((piece) => piece.trim().length > 0);
  }
  // One unbroken word: cut, but never between the halves of a surrogate pair.
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return [text.slice(0, cut), ...chunks(text.slice(cut), max)];
}

function clean(reply: Reply): Reply {
  const copy = { ...reply };
  if (copy.discussion === undefined) delete copy.discussion;
  return copy;
}

/** What editing a message in place does to its parts on the platform. */
export interface SplitEdit {
  /** Each existing part that gets new content, in order (the first is the message's own ref). */
  edits: Array<{ ref: MessageRef; reply: Reply }>;
  /** Existing parts the new content no longer needs. */
  deletes: MessageRef[];
}

/**
 * An edit of a message that was sent in parts: the new content is split the same way and put
 * in the parts that are there, in order; parts left over are deleted. New parts cannot be
 * added in place (they would land below later messages), so content that needs more parts
 * than there are ends in the last one, cut, with `shortened` as its footer (its buttons kept).
 */
export function planSplitEdit(reply: Reply, parts: readonly MessageRef[], limits: SplitLimits, shortened: string): SplitEdit {
  const next = splitReply(reply, limits);
  if (next.length <= parts.length) {
    return { edits: next.map((part, index) => ({ ref: parts[index]!, reply: part })), deletes: parts.slice(next.length) };
  }
  const kept = next.slice(0, parts.length);
  const last = kept.length - 1;
  kept[last] = { ...kept[last]!, footer: shortened, ...(next.at(-1)!.buttons ? { buttons: next.at(-1)!.buttons } : {}) };
  return { edits: kept.map((part, index) => ({ ref: parts[index]!, reply: part })), deletes: [] };
}
