/** The few HTTP calls the browser makes, with the server's error codes kept. */
import type { CreatedRoom } from '../../shared/api.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { InviteStatus, InviteView, JoinResponse } from '../../shared/protocol.js';

export class ApiError extends Error {
	constructor(readonly code: string, message: string, readonly status: number, readonly reason?: string) {
		super(message);
	}
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
	const response = await fetch(path, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = await response.json().catch(() => ({})) as T & { error?: ErrorBody };
	if (!response.ok) throw new ApiError(json.error?.code ?? 'INTERNAL', json.error?.message ?? response.statusText, response.status, json.error?.reason);
	return json;
}

export const api = {
	invite: (code: string) => call<InviteView>('GET', `/api/v1/invites/${encodeURIComponent(code)}`),
	/** The invite, and whether a host removed this browser from the room. */
	status: (code: string, guestKey: string) => call<InviteStatus>('POST', `/api/v1/invites/${encodeURIComponent(code)}/status`, { guestKey }),
	join: (code: string, body: { name: string; hostKey?: string; appToken?: string; guestKey: string; wait: boolean }) =>
		call<JoinResponse>('POST', `/api/v1/invites/${encodeURIComponent(code)}/join`, body),
	createWebRoom: (name: string, e2ee: boolean) => call<CreatedRoom>('POST', '/api/v1/web/rooms', { name, ...(e2ee ? { e2ee } : {}) }),
};
