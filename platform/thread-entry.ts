/**
 * How the platform's own modules are named where it runs: `.ts` from the sources (under tsx, as the
 * tests and development run it), `.js` from build/ (npm start). A worker thread's entry module is
 * named with it, so that a compiled platform starts compiled threads.
 */
export const moduleExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js'

/**
 * The flags a thread of the platform's takes from the process: a CPU profiler's only, so that each
 * thread writes a profile of its own. The rest (a test runner's, a loader's) are not the thread's.
 */
export const threadExecArgv = process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'))
