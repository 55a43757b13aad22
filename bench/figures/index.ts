// The figures of `npm run bench`, in the order they run. A new figure (advice, meetings,
// digests) is a module exporting `figure: { name, run(ctx) }` and one line here.
import type { Figure } from '../lib/harness.ts';
import { figure as ack } from './ack.ts';
import { figure as reply } from './reply.ts';
import { figure as discord } from './discord.ts';
import { figure as throughput } from './throughput.ts';
import { figure as growth } from './growth.ts';
import { figure as outbox } from './outbox.ts';
import { figure as memory } from './memory.ts';
import { figure as guide } from './guide.ts';
import { figure as digests } from './digests.ts';

export const figures: Figure[] = [ack, reply, discord, throughput, growth, outbox, memory, guide, digests];
