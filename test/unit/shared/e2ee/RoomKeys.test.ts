/**
 * The keys of a visit, between visits of one room in Node. Boxes pass
 * straight from one visit to another, as the server's relay would pass them,
 * and each visit notes what it was told: its own key, others' keys, whom it
 * could not verify and whose keys it dropped.
 */
import { describe, expect, it } from 'vitest';
import { newRoomSecret } from '../../../../shared/e2ee/roomSecret.js';
import { ROTATION_DELAY_MS, RoomKeys } from '../../../../shared/e2ee/RoomKeys.js';
import type { SenderKey } from '../../../../shared/e2ee/senderKey.js';

interface Visit {
	id: string;
	keys: RoomKeys;
	own: SenderKey[];
	/** Keys received, by sender. */
	got: Map<string, SenderKey[]>;
	unverified: string[];
	forgotten: string[];
}

/** Visits of one room whose boxes reach each other. */
class Room {
	readonly visits = new Map<string, Visit>();
	readonly #pending: Promise<void>[] = [];

	async visit(id: string, secret: string, options: { decrypts?: boolean } = {}): Promise<Visit> {
		const visit: Visit = { id, keys: undefined as unknown as RoomKeys, own: [], got: new Map(), unverified: [], forgotten: [] };
		visit.keys = await RoomKeys.create(secret, id, {
			send: async (to, box) => {
				const recipient = this.visits.get(to);
				if (recipient) this.#pending.push(recipient.keys.received(id, box));
			},
			verified: (other, verified) => {
				if (!verified) visit.unverified.push(other);
			},
			ownKey: (key) => visit.own.push(key),
			peerKey: (from, key) => visit.got.set(from, [...(visit.got.get(from) ?? []), key]),
			forget: (other) => visit.forgotten.push(other),
		}, options);
		this.visits.set(id, visit);
		return visit;
	}

	/** `newcomer` takes a seat: those already there see them join; they see those already there. */
	async seat(newcomer: Visit): Promise<void> {
		const others = [...this.visits.values()].filter((visit) => visit !== newcomer);
		await Promise.all([
			...others.map((visit) => visit.keys.joined({ id: newcomer.id, e2ee: newcomer.keys.identity })),
			newcomer.keys.seated(others.map((visit) => ({ id: visit.id, e2ee: visit.keys.identity }))),
		]);
		await this.settled();
	}

	/** Until every box sent so far has been opened. */
	async settled(): Promise<void> {
		while (this.#pending.length) await Promise.all(this.#pending.splice(0));
	}
}

const bytesOf = (key: SenderKey | undefined) => (key ? [...key.toMessage()] : undefined);
const newest = (visit: Visit, of: string) => visit.got.get(of)?.at(-1);

describe('RoomKeys', () => {
	it('gives a newcomer only the keys ratcheted for its join: never a generation sent before it came', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const ana = await room.visit('ana', secret);
		await room.seat(ana);
		const bo = await room.visit('bo', secret);
		await room.seat(bo);

		expect(ana.own.map(({ generation }) => generation)).toEqual([0, 1]);
		expect(bo.got.get('ana')!.map(({ generation }) => generation)).toEqual([1]);
		expect(bytesOf(newest(bo, 'ana'))).toEqual(bytesOf(ana.own.at(-1)));
		expect(bytesOf(newest(ana, 'bo'))).toEqual(bytesOf(bo.own.at(-1)));
		expect([ana.unverified, bo.unverified]).toEqual([[], []]);
	});

	it('opens a box that came before the event introducing its sender, once that sender is seen', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const ana = await room.visit('ana', secret);
		await room.seat(ana);
		const bo = await room.visit('bo', secret);
		// Ana sees Bo join and sends him her key; it reaches Bo before he has taken in who is in the room.
		await ana.keys.joined({ id: 'bo', e2ee: bo.keys.identity });
		await room.settled();
		expect(bo.got.get('ana')).toBeUndefined();
		await bo.keys.seated([{ id: 'ana', e2ee: ana.keys.identity }]);
		await room.settled();
		expect(bytesOf(newest(bo, 'ana'))).toEqual(bytesOf(ana.own.at(-1)));
		// A box from someone who never shows up is kept only a few times, and opens nothing.
		for (let i = 0; i < 10; i++) await bo.keys.received('ghost', 'AAAA');
		expect(bo.got.get('ghost')).toBeUndefined();
	});

	it('verifies nobody without the room secret, and gives them nothing; someone without an identity is not verified either', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const ana = await room.visit('ana', secret);
		await room.seat(ana);
		const mallory = await room.visit('mallory', newRoomSecret());
		await room.seat(mallory);
		await ana.keys.joined({ id: 'listener' });

		expect(ana.unverified).toEqual(['mallory', 'listener']);
		expect(mallory.unverified).toEqual(['ana']);
		expect(mallory.got.size).toBe(0);
		expect(ana.got.size).toBe(0);
	});

	it('after a departure, gives those who stay a fresh key and uses it a second later; someone joining meanwhile gets its ratchet at once', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const [ana, bo, cy] = [await room.visit('ana', secret), await room.visit('bo', secret), await room.visit('cy', secret)];
		for (const visit of [ana, bo, cy]) await room.seat(visit);
		const before = ana.own.at(-1)!;
		room.visits.delete('cy');
		await Promise.all([ana.keys.left('cy'), bo.keys.left('cy')]);
		await room.settled();

		// Bo holds Ana's fresh key, not derived from the one Cy held; Ana does not use it yet.
		const fresh = newest(bo, 'ana')!;
		expect(fresh.generation).toBe(before.generation + 1);
		expect(bytesOf(fresh)).not.toEqual(bytesOf(await before.ratchet()));
		expect(ana.own.at(-1)).toBe(before);
		expect(ana.forgotten).toEqual(['cy']);

		// Dee joins before the second is up: Ana ratchets the fresh key, as Bo does with the one he holds.
		const dee = await room.visit('dee', secret);
		await room.seat(dee);
		expect(ana.own.at(-1)!.generation).toBe(fresh.generation + 1);
		expect(bytesOf(ana.own.at(-1))).toEqual(bytesOf(await fresh.ratchet()));
		expect(bytesOf(newest(dee, 'ana'))).toEqual(bytesOf(ana.own.at(-1)));

		// And no timer switches Ana back to the fresh key later.
		const used = ana.own.length;
		await new Promise((resolve) => setTimeout(resolve, ROTATION_DELAY_MS + 200));
		expect(ana.own.length).toBe(used);
	});

	it('uses the fresh key after the delay when nobody joins', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const [ana, bo, cy] = [await room.visit('ana', secret), await room.visit('bo', secret), await room.visit('cy', secret)];
		for (const visit of [ana, bo, cy]) await room.seat(visit);
		room.visits.delete('cy');
		await Promise.all([ana.keys.left('cy'), bo.keys.left('cy')]);
		await room.settled();
		await new Promise((resolve) => setTimeout(resolve, ROTATION_DELAY_MS + 200));
		expect(bytesOf(ana.own.at(-1))).toEqual(bytesOf(newest(bo, 'ana')));
	});

	it('takes a reload as a new visit: the old visit\'s keys go, and the new identity gets the current key', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const ana = await room.visit('ana', secret);
		await room.seat(ana);
		await room.seat(await room.visit('bo', secret));
		// The same participant with a new identity takes its seat back: the server tells Ana it changed
		// (participant.updated) before the new visit hears it is seated, so before its boxes come.
		const reloaded = await room.visit('bo', secret);
		await Promise.all([ana.keys.seen({ id: 'bo', e2ee: reloaded.keys.identity }), reloaded.keys.seated([{ id: 'ana', e2ee: ana.keys.identity }])]);
		await room.settled();

		expect(ana.forgotten).toEqual(['bo']);
		expect(bytesOf(newest(reloaded, 'ana'))).toEqual(bytesOf(ana.own.at(-1)));
		expect(bytesOf(newest(ana, 'bo'))).toEqual(bytesOf(reloaded.own.at(-1)));
		expect(newest(ana, 'bo')!.generation).toBe(0);
	});

	it('seals chat that only the room\'s verified visits open, and private messages that only their recipient opens', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const [ana, bo, cy] = [await room.visit('ana', secret), await room.visit('bo', secret), await room.visit('cy', secret)];
		for (const visit of [ana, bo, cy]) await room.seat(visit);
		const box = await ana.keys.sealChat('hello all');
		expect(await bo.keys.openChat({ participantId: 'ana', box })).toBe('hello all');
		const whisper = await ana.keys.sealChat('just you', 'bo');
		expect(await bo.keys.openChat({ participantId: 'ana', box: whisper, to: { id: 'bo' } })).toBe('just you');
		expect(await cy.keys.openChat({ participantId: 'ana', box: whisper, to: { id: 'bo' } })).toBeUndefined();
	});

	it('as a bot that decrypts nothing: gives and opens key boxes like anyone, but keeps no one\'s keys, so opens no chat', async () => {
		const room = new Room();
		const secret = newRoomSecret();
		const ana = await room.visit('ana', secret);
		await room.seat(ana);
		const bot = await room.visit('bot', secret, { decrypts: false });
		await room.seat(bot);
		await room.seat(await room.visit('bo', secret));

		expect(bot.got.get('ana')!.map(({ generation }) => generation)).toEqual([1]);
		// The bot gave its key as anyone does, and ratchets its own on each join.
		expect(bytesOf(newest(ana, 'bot'))).toEqual(bytesOf(bot.own[0]));
		expect(bot.own.map(({ generation }) => generation)).toEqual([0, 1]);
		expect(await bot.keys.openChat({ participantId: 'ana', box: await ana.keys.sealChat('hello') })).toBeUndefined();
	});
});
