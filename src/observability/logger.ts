import pino, { type Logger } from 'pino';
import type { LogLevel } from '../env.ts';

export type { Logger };

/**
 * The service's log: one JSON object a line on standard output (time in ISO 8601, level as a word),
 * for a log collector to read. The demo logins and start-up lines stay plain text for a person.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'kyodo-chotatsu' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A log that writes nothing, for an app built without one (tests, benchmarks). */
export const silentLogger: Logger = pino({ level: 'silent' });
