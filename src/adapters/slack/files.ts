// Files on Slack: files.uploadV2 of the Web API client (files.getUploadURLExternal, a POST of
// the bytes to the URL it returns, files.completeUploadExternal that shares them in the
// channel or thread). Needs the files:write scope (manifest.ts).
import type { webApi } from '@slack/bolt';
import { fileBytes, filesWithinLimit, safeFileName, type ReplyFile } from '../../core/framework/files.ts';
import type { Reply } from '../../core/framework/reply.ts';
import type { Translate } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';

/** The reply without files over the limit (a line says so), which are logged by name only. */
export function checkedFiles(reply: Reply, t: Translate, logger?: Logger): Reply {
  const checked = filesWithinLimit(reply, t);
  if (checked.skipped.length) logger?.warn({ files: checked.skipped }, 'slack files over the limit left out');
  return checked.reply;
}

export async function uploadFiles(client: webApi.WebClient, files: readonly ReplyFile[] | undefined, channel: string, threadTs?: string): Promise<void> {
  if (!files?.length) return;
  await client.files.uploadV2({
    channel_id: channel,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    file_uploads: files.map((file) => ({ file: fileBytes(file), filename: safeFileName(file.name), title: file.name })),
  } as webApi.FilesUploadV2Arguments);
}
