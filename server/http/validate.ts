import type { z } from 'zod';
import { Errors } from '../errors.js';

/** Parses a request body with a shared schema; failures are INVALID_PAYLOAD naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
	const result = schema.safeParse(body ?? {});
	if (!result.success) {
		const issue = result.error.issues[0]!;
		const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
		throw Errors.invalidPayload(`${field}${issue.message}`);
	}
	return result.data;
}
