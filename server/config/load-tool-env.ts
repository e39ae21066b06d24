/**
 * The only environment the load tool reads: the load-test token, so it never has to be on
 * a command line (where npm echoes it and `ps` shows it). Nothing of the server's settings:
 * the tool targets a deployment by URL and touches no local data folder.
 */
export function loadToolToken(): string | undefined {
  const value = process.env.LOADTEST_TOKEN?.trim();
  return value ? value : undefined;
}

/** The environment of a generator process the tool starts (--workers): this one's, and the token. */
export function workerEnv(token: string): NodeJS.ProcessEnv {
  return { ...process.env, LOADTEST_TOKEN: token };
}
