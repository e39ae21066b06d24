import uWS from 'uWebSockets.js';

/**
 * uWebSockets.js ships a native binary built for Node 20 (ABI 115). On any other Node it
 * falls back silently to a slow, incompatible JavaScript shim; refuse to run on it.
 */
export function loadNativeUws(): typeof uWS {
  if (typeof (uWS as unknown as { H3App?: unknown }).H3App !== 'function') {
    throw new Error(`uWebSockets.js did not load its native binary on Node ${process.version}; FingerFlow's ingest server needs Node 20`);
  }
  return uWS;
}
