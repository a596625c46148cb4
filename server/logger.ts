import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout (or `destination`). Credentials are redacted wherever they might appear. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
	return pino({
		level,
		base: { service: 'rooms' },
		redact: {
			paths: ['token', 'appToken', 'hostKey', 'secret', '*.token', '*.appToken', '*.hostKey', '*.secret',
				'req.headers.authorization', 'req.headers.cookie'],
			censor: '[redacted]',
		},
	}, destination ?? pino.destination(1));
}
