import { describe, expect, it } from 'vitest';
import { open, seal } from '../../../../shared/e2ee/boxes.js';
import { utf8 } from '../../../../shared/e2ee/bytes.js';
import { identityProof, newIdentity, pairwiseKey, PUBLIC_KEY_BYTES, verifyIdentity } from '../../../../shared/e2ee/identity.js';
import { newRoomSecret, parseRoomSecret, proofKey } from '../../../../shared/e2ee/roomSecret.js';

const secret = () => parseRoomSecret(newRoomSecret());

describe('identity', () => {
	it('has a private key that cannot be exported and a 65-byte public key', async () => {
		const identity = await newIdentity();
		expect(identity.publicKey).toHaveLength(PUBLIC_KEY_BYTES);
		expect(identity.privateKey.extractable).toBe(false);
		await expect(crypto.subtle.exportKey('pkcs8', identity.privateKey)).rejects.toThrow();
	});

	it('is proven by a link holder for one seat: another seat, another key or another room\'s secret fails', async () => {
		const roomSecret = secret();
		const key = await proofKey(roomSecret);
		const ana = await newIdentity();
		const proof = await identityProof(key, ana.publicKey, 'ana');
		expect(await verifyIdentity(key, ana.publicKey, 'ana', proof)).toBe(true);
		expect(await verifyIdentity(await proofKey(roomSecret), ana.publicKey, 'ana', proof)).toBe(true);

		expect(await verifyIdentity(key, ana.publicKey, 'bo', proof)).toBe(false);
		expect(await verifyIdentity(key, (await newIdentity()).publicKey, 'ana', proof)).toBe(false);
		expect(await verifyIdentity(await proofKey(secret()), ana.publicKey, 'ana', proof)).toBe(false);
		expect(await verifyIdentity(key, ana.publicKey, 'ana', `${proof.slice(0, -2)}AA`)).toBe(false);
		expect(await verifyIdentity(key, ana.publicKey, 'ana', 'not base64url!')).toBe(false);
		expect(await verifyIdentity(key, ana.publicKey.slice(1), 'ana', proof)).toBe(false);
	});

	it('gives two people the same pairwise key from either side, and a third person a different one', async () => {
		const roomSecret = secret();
		const [ana, bo, cy] = await Promise.all([newIdentity(), newIdentity(), newIdentity()]);
		const anaToBo = await pairwiseKey(ana, 'ana', bo.publicKey, 'bo', roomSecret);
		const boToAna = await pairwiseKey(bo, 'bo', ana.publicKey, 'ana', roomSecret);
		const cyToBo = await pairwiseKey(cy, 'cy', bo.publicKey, 'bo', roomSecret);
		const aad = utf8('test');
		const box = await seal(anaToBo, utf8('hello Bo'), aad);
		expect(new TextDecoder().decode(await open(boToAna, box, aad))).toBe('hello Bo');
		expect(await open(cyToBo, box, aad)).toBeUndefined();
		// The same key pairs in a room with another secret share another key.
		expect(await open(await pairwiseKey(bo, 'bo', ana.publicKey, 'ana', secret()), box, aad)).toBeUndefined();
	});
});
