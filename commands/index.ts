// Every slash command the bot has, in the order /help lists them. Adding a command is adding
// its file here; the platforms pick it up from this list.
import type { CommandDeclaration } from '../src/core/framework/declarations.ts';
import help from './help.ts';
import profiel from './profiel.ts';
import update from './update.ts';
import handreiking from './handreiking.ts';
import overzicht from './overzicht.ts';
import advies from './advies.ts';

import privacy from './privacy.ts';
import digest from './digest.ts';

import overleg from './overleg.ts';

export const commands: readonly CommandDeclaration[] = [update, advies, overleg, digest, handreiking, profiel, overzicht, privacy, help];
