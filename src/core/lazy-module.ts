// Heavy libraries that an idle bot never calls (chrono-node for typed dates, date-holidays for
// working days) are loaded at first use instead of at start-up: together some 50 MB of
// resident memory and a good part of the start's module compiling (issue 14, figure 7). Loaded
// synchronously through their CommonJS builds, so the functions that use them stay synchronous.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The module `name`, required on the first call and kept. */
export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
