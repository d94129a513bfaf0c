/**
 * How the platform's own modules are named where it runs: `.ts` from the sources (under tsx, as the
 * tests and development run it), `.js` from build/ (npm start). A worker thread's entry module is
 * named with it, so that a compiled platform starts compiled threads.
 */
export const moduleExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
