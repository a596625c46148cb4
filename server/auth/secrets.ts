/** Secrets the server keeps only as hashes (host keys, browser keys), and their constant-time comparison. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { nanoid } from 'nanoid';

export function hashSecret(secret: string): string {
	return createHash('sha256').update(secret).digest('hex');
}

export function matchesHash(secret: string, hash: string): boolean {
	return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(hash, 'hex'));
}

/** A fresh host credential: 32 URL-safe characters (about 190 bits). */
export function newHostKey(): string {
	return nanoid(32);
}
