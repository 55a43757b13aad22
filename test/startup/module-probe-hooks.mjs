// The load hook of module-probe.mjs (runs on Node's loader thread): passes each URL on.
let port;
export function initialize(data) {
  port = data.port;
}
export async function load(url, context, next) {
  port.postMessage(url);
  return next(url, context);
}
