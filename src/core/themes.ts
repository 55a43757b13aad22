// The themes updates and advice requests are filed under. Stable Dutch values (people type
// `#samenwerking`); their labels live in the locale files under `choices.<value>`.
export const themes = [
  'zelfbeschikking',
  'huiselijk-geweld',
  'eergerelateerd-geweld',
  'huwelijksdwang',
  'lhbti',
  'beleid',
  'samenwerking',
  'regie',
  'financiering',
  'algemeen',
] as const;

export type Theme = (typeof themes)[number];
