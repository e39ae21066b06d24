import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout, one event per line. Every line carries an `event` name (the
 * seed's operators grep for names such as `database_migrations_complete`), an ISO time and
 * a level label rather than pino's numbers, so `jq 'select(.level=="error")'` reads well.
 */
export function createLogger(options: { level?: string; service: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'message',
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
