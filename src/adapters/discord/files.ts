// Files on Discord: message attachments, sent as multipart (payload_json + files[n]) by
// discord.js, both for outbox messages (REST) and for interaction answers.
import { fileBytes, filesWithinLimit, safeFileName, type ReplyFile } from '../../core/framework/files.ts';
import type { Reply } from '../../core/framework/reply.ts';
import type { Translate } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';

/** The reply without files over the limit (a line says so); those are logged by name only. */
export function checkedFiles(reply: Reply, t: Translate, logger?: Logger): Reply {
  const checked = filesWithinLimit(reply, t);
  if (checked.skipped.length) logger?.warn({ files: checked.skipped }, 'discord files over the limit left out');
  return checked.reply;
}

/** For REST posts: the raw files and the `attachments` the body must list. */
export function restFiles(files: readonly ReplyFile[] | undefined) {
  const list = files ?? [];
  return {
    files: list.map((file) => ({ name: safeFileName(file.name), data: fileBytes(file), contentType: file.mimeType })),
    attachments: list.map((file, index) => ({ id: index, filename: safeFileName(file.name) })),
  };
}

/** For interaction replies and follow-ups (discord.js' AttachmentPayload). */
export function interactionFiles(files: readonly ReplyFile[] | undefined) {
  return (files ?? []).map((file) => ({ attachment: fileBytes(file), name: safeFileName(file.name) }));
}
