import { loadConfig, type LoadOptions } from './config.ts';

export { ConfigError, loadConfig, type Config } from './config.ts';
export { redactedSummary, redactUrl } from './summary.ts';

/** The configuration of this process, from its real environment. */
export function configFromProcess(options?: LoadOptions) {
  return loadConfig(process.env, options);
}
