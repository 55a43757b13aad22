// Telling an English question from a Dutch one, and the English words too common to search
// for. The guide is Dutch; an English question is searched through the thesaurus's English
// terms. A short question gives little to go on, so the vote counts function words of each
// language and, for English, the question's English thesaurus terms that the guide lacks.

/** Common English function words and question words: never searched for in an English question. */
export const ENGLISH_STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
   can could did do does doing done down during each few for from further get gets getting got had has have having he her
   here hers him his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
   other our ours out over own same she should so some such than that the their theirs them then there these they this
   those through to too under until up very was we were what when where which while who whom whose why will with would
   you your yours there's what's how's it's i'm we're they're don't doesn't can't let lets us also may might must shall
   one ones thing things way ways tell find show give want need needs something anything someone anyone please info
   information guide guidance say says said know`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that are also Dutch: they say nothing about the language of a question. */
const SHARED = new Set(['in', 'is', 'we', 'of', 'over', 'door', 'an', 'as', 'die', 'me', 'had', 'hem', 'are', 'do', 'on', 'one', 'way', 'want']);

/** Dutch function words and question words. */
const DUTCH_WORDS = new Set(
  `de het een en van voor met niet zijn er bij dat die dit deze ook naar om op te als kan kun kunnen moet moeten mijn
   onze ons je jij jouw u uw ik wij ze zij hun aan nog maar dan wel geen heb hebt heeft hebben wordt worden mag mogen
   hoe wat wie waar waarom welke wanneer wanneer iets iemand zelf goed veel meer waar over tegen zonder tussen binnen`
    .split(/\s+/)
    .filter(Boolean),
);

export function isEnglishStopWord(word: string): boolean {
  return ENGLISH_STOP_WORDS.has(word);
}

/**
 * Whether the words read as English: English function words and English thesaurus terms the
 * guide does not have, against Dutch function words and words the guide has.
 */
export function looksEnglish(words: string[], signals: { englishTerm: (index: number) => boolean; inGuide: (index: number) => boolean }): boolean {
  let english = 0;
  let dutch = 0;
  words.forEach((word, index) => {
    if (SHARED.has(word)) return;
    if (ENGLISH_STOP_WORDS.has(word)) english++;
    else if (DUTCH_WORDS.has(word)) dutch++;
    else if (signals.englishTerm(index) && !signals.inGuide(index)) english++;
    else if (signals.inGuide(index)) dutch++;
  });
  return english > dutch;
}
