import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout. Credentials are redacted wherever they might appear. */
export function createLogger(level: string): Logger {
	return pino({
		level,
		base: { service: 'rooms' },
		redact: {
			paths: ['token', 'appToken', 'hostKey', 'secret', '*.token', '*.appToken', '*.hostKey', '*.secret',
				'req.headers.authorization', 'req.headers.cookie'],
			censor: '[redacted]',
		},
	});
}
