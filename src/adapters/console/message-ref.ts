// The console has no message ids: a message is the n-th one printed for a target in this
// process, `console:<target>:<n>`.
import { joinMessageRef, splitMessageRef, type MessageRef } from '../../core/messages/message-ref.ts';

export interface ConsoleMessageAddress {
  target: string;
  n: number;
}

export function encodeConsoleRef(address: ConsoleMessageAddress): MessageRef {
  return joinMessageRef('console', [address.target, String(address.n)]);
}

export function decodeConsoleRef(ref: string): ConsoleMessageAddress | undefined {
  const parts = splitMessageRef(ref, 'console', 2);
  if (!parts || !/^\d+$/.test(parts[1]!)) return undefined;
  return { target: parts[0]!, n: Number(parts[1]) };
}
