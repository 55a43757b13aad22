// Typed command options. One declaration gives: the zod schema that validates input from any
// platform, the Discord option type, the Slack/console text parsing rules and the form field.
import { z } from 'zod';
import { CONTROL_CHARACTERS, graphemeLength, isBlank, trimInvisible } from './characters.ts';

export type OptionKind = 'string' | 'integer' | 'choice' | 'user' | 'datetime';

export interface OptionDeclaration<T = unknown> {
  kind: OptionKind;
  required: boolean;
  /** Multi-line free text: a textarea in forms, and the rest of the line when typed. */
  long: boolean;
  /** When typed, takes the rest of the line (several words, no quotes needed). */
  rest: boolean;
  /** In typed form, a leading `#word` fills this option (`/update plaats #samenwerking …`). */
  hashPrefix: boolean;
  /** Free text that could identify people: forms warn and show the emergency line. */
  sensitive: boolean;
  /** Text that names people with mentions (invitees): Slack must send them as ids. */
  people?: boolean;
  /** When typed, only as `naam:waarde`: bare words never fall to it (filters after the first). */
  namedOnly?: boolean;
  maxLength?: number;
  minLength?: number;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Name of the data source that suggests values (Discord autocomplete). */
  autocomplete?: string;
  schema: z.ZodType<T>;
}

type Common = { required?: boolean; autocomplete?: string };

/** Blank input (also text of only invisible characters) counts as not given: missing when
 *  required, absent when optional. */
function wrap<T>(schema: z.ZodType<T>, required: boolean): z.ZodType<T | undefined> {
  const blankToUndefined = (value: unknown) => (typeof value === 'string' && isBlank(value) ? undefined : value);
  // The optional must sit inside the preprocess: zod 4 checks an outer optional before it.
  return z.preprocess(blankToUndefined, required ? schema : schema.optional()) as z.ZodType<T | undefined>;
}

/** Lengths in characters as people count them; only long text keeps its line breaks. */
function textSchema(minLength: number, maxLength: number, long: boolean) {
  return z
    .string({ error: 'required' })
    // A line break in a one-line value (a name, a search) is a space that was typed differently.
    .transform((value) => trimInvisible(long ? value : value.replace(/[\t\r\n]+/g, ' ')))
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'characters')
    .refine((value) => graphemeLength(value, minLength) >= minLength, 'tooShort')
    .refine((value) => graphemeLength(value, maxLength) <= maxLength, 'tooLong');
}

type Flags = Partial<Pick<OptionDeclaration, 'long' | 'rest' | 'hashPrefix' | 'sensitive' | 'people' | 'namedOnly'>>;

/** The defaults every kind shares; each builder adds its schema and limits. */
function declare<T>(kind: OptionKind, schema: z.ZodType<unknown>, options: Common & Flags, limits: Partial<OptionDeclaration> = {}): OptionDeclaration<T> {
  const required = options.required ?? false;
  return {
    kind,
    required,
    long: options.long ?? false,
    rest: options.rest ?? options.long ?? false,
    hashPrefix: options.hashPrefix ?? false,
    sensitive: options.sensitive ?? false,
    ...(options.people ? { people: true } : {}),
    ...(options.namedOnly ? { namedOnly: true } : {}),
    autocomplete: options.autocomplete,
    ...limits,
    schema: wrap(schema, required) as z.ZodType<T>,
  };
}

export function string<R extends boolean = false>(
  options: Common & Flags & { required?: R; maxLength?: number; minLength?: number } = {},
): OptionDeclaration<R extends true ? string : string | undefined> {
  const maxLength = options.maxLength ?? (options.long ? 4000 : 200);
  const minLength = options.minLength ?? 1;
  return declare('string', textSchema(minLength, maxLength, options.long ?? false), options, { maxLength, minLength });
}

export function integer<R extends boolean = false>(
  options: Common & { required?: R; min?: number; max?: number } = {},
): OptionDeclaration<R extends true ? number : number | undefined> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const schema = z.coerce
    .number({ error: 'integer' })
    .refine((value) => Number.isInteger(value), 'integer')
    .refine((value) => value >= min, 'tooSmall')
    .refine((value) => value <= max, 'tooLarge');
  return declare('integer', schema, options, { min: options.min, max: options.max });
}

export function choice<const C extends readonly string[], R extends boolean = false>(
  choices: C,
  options: Common & { required?: R; hashPrefix?: boolean } = {},
): OptionDeclaration<R extends true ? C[number] : C[number] | undefined> {
  const schema = z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase().replace(/^#/, '') : value),
    z.enum(choices as unknown as [string, ...string[]], { error: 'choice' }),
  );
  return declare('choice', schema, options, { choices });
}

/** A platform user as `platform:id`; the framework turns typed mentions into that form. */
export function user<R extends boolean = false>(
  options: Common & { required?: R } = {},
): OptionDeclaration<R extends true ? string : string | undefined> {
  const schema = z
    .string({ error: 'required' })
    .regex(/^(slack|discord|console):[A-Za-z0-9._-]+$/, 'user')
    // Console names are case-insensitive and kept lower-case: `@ADV1` is console user adv1.
    .transform((value) => (value.startsWith('console:') ? value.toLowerCase() : value));
  return declare('user', schema, options);
}

/** A moment in time typed in words; the framework parses it in the configured zone first. */
export function datetime<R extends boolean = false>(
  options: Common & { required?: R } = {},
): OptionDeclaration<R extends true ? Date : Date | undefined> {
  return declare('datetime', z.date({ error: 'datetime' }), options);
}

export type OptionsShape = Record<string, OptionDeclaration<unknown>>;
export type InputOf<O extends OptionsShape> = { [K in keyof O]: O[K] extends OptionDeclaration<infer T> ? T : never };
