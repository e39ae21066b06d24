import { ConfigError } from '../config/index.ts';
import { DataDirInUseError } from '../db/embedded/embedded-postgres.ts';
import { MigrationError } from '../db/migrations.ts';
import { AlreadyRunningError } from '../runtime/instance-lock.ts';
import { PortInUseError } from '../runtime/port-check.ts';
import { isConnectionError } from '../db/pg-errors.ts';

/** A problem the operator fixes (not a bug): reported in one line, without a stack. */
export class OperatorError extends Error {
  override name = 'OperatorError';
}

const EXPECTED = [ConfigError, AlreadyRunningError, PortInUseError, DataDirInUseError, MigrationError, OperatorError];

/**
 * A start that cannot go on prints one line naming the problem and exits non-zero. Only an
 * error we did not foresee gets its stack, since that one is a bug to report.
 */
export function failStart(error: unknown, prefix = 'fingerflow'): never {
  // PostgreSQL unreachable is the operator's to fix (start it, check the URL), not a bug.
  const expected = EXPECTED.some((type) => error instanceof type) || isConnectionError(error);
  const label = error instanceof ConfigError ? 'configuration error: ' : '';
  process.stderr.write(`${prefix}: ${label}${(error as Error).message ?? String(error)}\n`);
  if (!expected) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
