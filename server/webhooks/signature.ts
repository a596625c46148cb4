/**
 * Webhook signatures. The signed text is `<timestamp>.<body>`, so a captured
 * request cannot be replayed later with a fresh timestamp; receivers reject
 * timestamps too far from their clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'rooms-signature';
export const TIMESTAMP_HEADER = 'rooms-timestamp';
export const DELIVERY_HEADER = 'rooms-delivery';
/** How far a receiver should let the timestamp drift from its clock. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
	return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** What a receiver does: recompute, compare in constant time, check the clock. */
export function verifyWebhook(secret: string, headers: { signature?: string; timestamp?: string }, body: string,
	nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): boolean {
	const timestamp = Number(headers.timestamp);
	if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
	const expected = Buffer.from(signWebhook(secret, timestamp, body));
	const actual = Buffer.from(headers.signature);
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}
