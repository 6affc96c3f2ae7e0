import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths never written to the log: tokens, passwords, credential hashes, API keys. */
export const REDACTED_PATHS = [
  'req.headers["x-auth-token"]',
  'req.headers.authorization',
  'password',
  '*.password',
  'credentials',
  '*.credentials',
  'api_key',
  '*.api_key',
  'auth_token',
  '*.auth_token',
  'secret',
  '*.secret',
];

/** The one root logger; requests and modules log through child loggers of it. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: REDACTED_PATHS, base: { service: 'crossbar-ts' } }, destination);
}
