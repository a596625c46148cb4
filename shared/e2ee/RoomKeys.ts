/**
 * The keys of one visit to an end-to-end encrypted room (README, "End-to-end
 * encryption"), apart from what encrypts the media: the browser's frame
 * worker and the load tool's bots both follow them. It proves this visit's
 * identity with the room secret from the link, checks everyone else's, and
 * gives each verified person this person's sender key in a box only they can
 * open. When someone joins, everyone ratchets their key one generation (the
 * newcomer gets only the new one); when someone leaves, everyone makes a
 * fresh key, gives it to those who stay, and uses it a second later.
 */
import { open, seal } from './boxes.js';
import { fromBase64Url, type Key, readUint32, toBase64Url, utf8 } from './bytes.js';
import { openChat, openPrivateChat, sealChat, sealPrivateChat } from './chat.js';
import { type Identity, identityProof, newIdentity, pairwiseKey, verifyIdentity } from './identity.js';
import { KeyChain } from './KeyChain.js';
import { parseRoomSecret, proofKey } from './roomSecret.js';
import { SenderKey } from './senderKey.js';
import { LIMITS } from '../limits.js';
import type { E2eeIdentityView } from '../views.js';

/** How long after handing out a fresh key (someone left) this person starts using it: time for the boxes to arrive. */
export const ROTATION_DELAY_MS = 1000;

/**
 * Boxes kept from someone not seen yet, per person: a key box can overtake
 * the event that introduces its sender (the join's answer and the events held
 * behind it can arrive in one read). A visit sends a handful at most.
 */
const MAX_EARLY_BOXES = 4;

/** Someone in the room as the keys need them: their participant id, and their identity when they sent one. */
export interface KeyHolder {
	id: string;
	e2ee?: E2eeIdentityView;
}

export interface RoomKeysListener {
	/** Relays a box to one person (`e2ee.send`). */
	send(to: string, box: string): Promise<void>;
	/** Someone's identity was checked: verified, or not (they get no keys and show "Not verified"). */
	verified(participantId: string, verified: boolean): void;
	/** This person's media is encrypted with this key from now on. */
	ownKey(key: SenderKey): void;
	/** A key of someone else's arrived: what they send opens with it. */
	peerKey(participantId: string, key: SenderKey): void;
	/** Someone's keys are gone: they left, or came back as a new visit. */
	forget(participantId: string): void;
}

interface Peer {
	publicKey: string;
	/** Set once their identity checked out. */
	pairwise?: Key;
	keys: KeyChain;
}

export class RoomKeys {
	readonly identity: E2eeIdentityView;
	readonly #secret: Uint8Array<ArrayBuffer>;
	readonly #proofKey: Key;
	readonly #own: Identity;
	readonly #participantId: string;
	readonly #listener: RoomKeysListener;
	readonly #peers = new Map<string, Peer>();
	/** Boxes from people not seen yet, opened once they are (at most MAX_EARLY_BOXES each, and only for a room's worth of people). */
	readonly #early = new Map<string, string[]>();
	/** This person's key now; frames and chat use it. */
	#key: SenderKey;
	/** A fresh key handed out after someone left, and the timer that starts using it. */
	#rotation: { key: SenderKey; timer: ReturnType<typeof setTimeout> } | undefined;
	/** Room events are taken one at a time: a join's ratchet must not overtake the key handed out before it. */
	#queue = Promise.resolve();
	#closed = false;
	readonly #decrypts: boolean;

	/**
	 * Throws E2eeError('bad-secret') for a secret that is not 16 bytes of
	 * base64url. Tells the listener of its first key at once. A visit that
	 * never opens what others send (`decrypts: false`, the load tool's bots)
	 * opens their key boxes but neither keeps nor ratchets their keys: in a
	 * process of 50 bots, ratcheting everyone's keys on every join would cost
	 * 50 times what it costs one browser.
	 */
	static async create(secret: string, participantId: string, listener: RoomKeysListener, options: { decrypts?: boolean } = {}): Promise<RoomKeys> {
		const secretBytes = parseRoomSecret(secret);
		const key = await proofKey(secretBytes);
		const own = await newIdentity();
		const identity = { publicKey: toBase64Url(own.publicKey), proof: await identityProof(key, own.publicKey, participantId) };
		return new RoomKeys(secretBytes, key, own, identity, participantId, await SenderKey.random(), listener, options.decrypts ?? true);
	}

	private constructor(secret: Uint8Array<ArrayBuffer>, key: Key, own: Identity, identity: E2eeIdentityView, participantId: string,
		senderKey: SenderKey, listener: RoomKeysListener, decrypts: boolean) {
		this.#decrypts = decrypts;
		this.#secret = secret;
		this.#proofKey = key;
		this.#own = own;
		this.identity = identity;
		this.#participantId = participantId;
		this.#listener = listener;
		this.#key = senderKey;
		listener.ownKey(senderKey);
	}

	/** The people already in the room when this visit took its seat: their identities are checked and they get this key. */
	seated(participants: KeyHolder[]): Promise<void> {
		return this.#inOrder(async () => {
			await Promise.all(participants.map((participant) => this.#seen(participant)));
		});
	}

	/** Someone new took a seat: everyone's keys move one generation on, and the newcomer gets only the new ones. */
	joined(participant: KeyHolder): Promise<void> {
		return this.#inOrder(async () => {
			// A fresh key already handed out is used now: the others ratchet the newest key they hold of this person's.
			this.#rotate();
			this.#useKey(await this.#key.ratchet());
			if (this.#decrypts) await Promise.all([...this.#peers.values()].map(async (peer) => {
				const newest = peer.keys.newest();
				if (newest) peer.keys.add(await newest.ratchet());
			}));
			await this.#seen(participant);
		});
	}

	/** Someone's view arrived or changed (a new visit brings a new identity): check it, and give them this key (again). */
	seen(participant: KeyHolder): Promise<void> {
		return this.#inOrder(() => this.#seen(participant));
	}

	async #seen(participant: KeyHolder): Promise<void> {
		const known = this.#peers.get(participant.id);
		// No identity at all (a bot, a listener the server seated): they get no keys, and everyone sees they are not verified.
		if (!participant.e2ee) return this.#listener.verified(participant.id, false);
		// The same visit again (back from a dropped connection, or a changed role): the key again, in case a box was lost.
		if (known?.publicKey === participant.e2ee.publicKey) return this.#give(participant.id, known, this.#key);
		// A new visit (a reload) starts its keys again from generation 0: the old visit's keys go.
		if (known) this.#listener.forget(participant.id);
		const peer: Peer = { publicKey: participant.e2ee.publicKey, keys: new KeyChain() };
		this.#peers.set(participant.id, peer);
		const publicKey = fromBase64Url(participant.e2ee.publicKey);
		const verified = Boolean(publicKey) && await verifyIdentity(this.#proofKey, publicKey!, participant.id, participant.e2ee.proof);
		this.#listener.verified(participant.id, verified);
		if (!verified) return;
		peer.pairwise = await pairwiseKey(this.#own, this.#participantId, publicKey!, participant.id, this.#secret);
		await this.#give(participant.id, peer, this.#key);
		const early = this.#early.get(participant.id) ?? [];
		this.#early.delete(participant.id);
		for (const box of early) await this.#open(participant.id, box);
	}

	/** Someone left: their keys go, and everyone else gets a fresh key of this person's, which they never learn. */
	left(participantId: string): Promise<void> {
		return this.#inOrder(async () => {
			this.#peers.delete(participantId);
			this.#early.delete(participantId);
			this.#listener.forget(participantId);
			const fresh = await SenderKey.random((this.#rotation?.key ?? this.#key).generation + 1);
			await Promise.all([...this.#peers.entries()].map(([id, peer]) => this.#give(id, peer, fresh)));
			if (this.#closed) return;
			clearTimeout(this.#rotation?.timer);
			this.#rotation = { key: fresh, timer: setTimeout(() => this.#rotate(), ROTATION_DELAY_MS) };
		});
	}

	/** A box from someone: their sender key, if it opens under the key this visit shares with them. */
	received(from: string, box: string): Promise<void> {
		return this.#inOrder(() => this.#open(from, box));
	}

	async #open(from: string, box: string): Promise<void> {
		const peer = this.#peers.get(from);
		if (!peer) return this.#keepEarly(from, box);
		const bytes = fromBase64Url(box);
		if (!peer.pairwise || !bytes) return;
		const message = await open(peer.pairwise, bytes, this.#keyMessageData(from, this.#participantId));
		if (!message) return;
		const key = await SenderKey.fromMessage(message).catch(() => undefined);
		if (!key) return;
		if (this.#decrypts) peer.keys.add(key);
		this.#listener.peerKey(from, key);
	}

	/** A box from someone not seen yet, kept until they are (a box that comes before its sender's join is not lost). */
	#keepEarly(from: string, box: string): void {
		const kept = this.#early.get(from);
		if (kept) {
			if (kept.length < MAX_EARLY_BOXES) kept.push(box);
		} else if (this.#early.size < LIMITS.maxParticipants) {
			this.#early.set(from, [box]);
		}
	}

	/** The `box` of a chat message: to everyone under this person's key, or privately under the key shared with `to`. */
	async sealChat(text: string, to?: string): Promise<string> {
		if (to === undefined) return sealChat(text, this.#participantId, this.#key);
		const pairwise = this.#peers.get(to)?.pairwise;
		if (!pairwise) throw new Error('no verified key shared with that person');
		return sealPrivateChat(text, this.#participantId, to, pairwise);
	}

	/** Someone else's sealed chat message's text, or undefined when this visit cannot open it. */
	async openChat(message: { participantId: string; box: string; to?: { id: string } }): Promise<string | undefined> {
		const peer = this.#peers.get(message.participantId);
		if (message.to) return peer?.pairwise && openPrivateChat(message.box, message.participantId, message.to.id, peer.pairwise);
		const bytes = fromBase64Url(message.box);
		if (!peer || !bytes || bytes.length < 4) return undefined;
		const candidate = await peer.keys.candidate(readUint32(bytes, 0));
		return openChat(message.box, message.participantId, () => candidate);
	}

	/** Idempotent: no fresh key is used after this. */
	close(): void {
		this.#closed = true;
		clearTimeout(this.#rotation?.timer);
		this.#rotation = undefined;
	}

	/** Starts using the fresh key handed out after a departure, if one waits. */
	#rotate(): void {
		if (!this.#rotation) return;
		clearTimeout(this.#rotation.timer);
		this.#useKey(this.#rotation.key);
		this.#rotation = undefined;
	}

	#inOrder(step: () => Promise<void>): Promise<void> {
		const done = this.#queue.then(() => (this.#closed ? undefined : step()));
		this.#queue = done.catch((error: unknown) => console.warn('an end-to-end encryption step failed', error));
		return done;
	}

	#useKey(key: SenderKey): void {
		this.#key = key;
		this.#listener.ownKey(key);
	}

	async #give(to: string, peer: Peer, key: SenderKey): Promise<void> {
		if (!peer.pairwise) return;
		const box = await seal(peer.pairwise, key.toMessage(), this.#keyMessageData(this.#participantId, to));
		await this.#listener.send(to, toBase64Url(box)).catch(() => undefined);
	}

	/** A key message is bound to its sender and recipient: the server cannot turn one round or pass it to someone else. */
	#keyMessageData(from: string, to: string): Uint8Array<ArrayBuffer> {
		return utf8(`key\n${from}\n${to}`);
	}
}
