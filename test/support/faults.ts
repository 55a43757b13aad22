// Seeded misbehaviour for the fake Slack and Discord servers: a share of the requests fails the
// way real platforms and networks fail. The same seed gives the same sequence of decisions, so
// a failing chaos run can be repeated (the order of requests still depends on timing).
export const FAULT_KINDS = ['http-500', 'rate-limited', 'stall-after-store', 'reset-before-store', 'reset-after-store', 'hang'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * - http-500: the platform answers 500 without doing anything.
 * - rate-limited: 429 with Retry-After (retryAfterS).
 * - stall-after-store: the message is stored, the answer comes after stallMs (past the
 *   client's timeout): the client cannot tell whether it was posted.
 * - reset-before-store / reset-after-store: the connection is destroyed without an answer,
 *   before or after the message was stored.
 * - hang: no answer at all, nothing stored, until the client gives up.
 */
export interface FaultOptions {
  seed: number;
  /** Share of the matching requests that fail, 0..1. */
  rate: number;
  kinds?: readonly FaultKind[];
  /** Retry-After of a 429, in seconds. */
  retryAfterS?: number;
  /** How long a stalled answer is held back (make it longer than the client's timeout). */
  stallMs?: number;
}

/** mulberry32: a tiny, good-enough PRNG with a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class FaultInjector {
  readonly counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  /** Matching requests seen, failed or not. */
  requests = 0;
  readonly retryAfterS: number;
  readonly stallMs: number;
  private readonly random: () => number;
  private readonly kinds: readonly FaultKind[];

  constructor(readonly options: FaultOptions) {
    this.random = seededRandom(options.seed);
    this.kinds = options.kinds ?? FAULT_KINDS;
    this.retryAfterS = options.retryAfterS ?? 1;
    this.stallMs = options.stallMs ?? 1000;
  }

  /** The fault for the next matching request, or undefined to answer it normally. */
  next(): FaultKind | undefined {
    this.requests += 1;
    if (this.random() >= this.options.rate) return undefined;
    const kind = this.kinds[Math.floor(this.random() * this.kinds.length)]!;
    this.counts[kind] += 1;
    return kind;
  }

  get failed(): number {
    return Object.values(this.counts).reduce((sum, count) => sum + count, 0);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
