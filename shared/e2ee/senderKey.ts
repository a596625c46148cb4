/**
 * A sender key: what one person encrypts their media and chat with. Each has
 * a generation. When someone joins, everyone ratchets theirs one generation
 * forward (HKDF, one way), and the newcomer is given only the new one, so
 * what was recorded before cannot be opened with it. When someone is
 * removed, everyone makes a fresh random one instead, which the removed
 * person never learns. The 16 bytes of material never encrypt anything
 * themselves: the frame and chat keys are derived from them.
 */
import { type Bytes, concatBytes, randomBytes, readUint32, uint32, type Key } from './bytes.js';
import { derive, deriveAesKey } from './hkdf.js';
import { E2eeError } from './roomSecret.js';

const MATERIAL_BYTES = 16;
/** The first byte of a key message: its format. */
const KEY_MESSAGE_FORMAT = 1;
const KEY_MESSAGE_BYTES = 1 + 4 + MATERIAL_BYTES;
/** Generations are 32-bit: a room would need a join a second for over a century to run out. */
const MAX_GENERATION = 0xffff_ffff;

export class SenderKey {
	readonly generation: number;
	readonly #material: Bytes;
	/** Encrypts and decrypts this sender's frames of this generation. */
	readonly frameKey: Key;
	/** Encrypts and decrypts this sender's chat messages of this generation. */
	readonly chatKey: Key;

	private constructor(generation: number, material: Bytes, frameKey: Key, chatKey: Key) {
		this.generation = generation;
		this.#material = material;
		this.frameKey = frameKey;
		this.chatKey = chatKey;
	}

	static async fromMaterial(generation: number, material: Bytes): Promise<SenderKey> {
		if (!Number.isInteger(generation) || generation < 0 || generation > MAX_GENERATION || material.length !== MATERIAL_BYTES) {
			throw new E2eeError('bad-key-message', 'a sender key is 16 bytes with a 32-bit generation');
		}
		const context = uint32(generation);
		return new SenderKey(generation, material,
			await deriveAesKey(material, 'frame', context), await deriveAesKey(material, 'chat', context));
	}

	/** A fresh random key: at the start of a visit (generation 0), and after a removal (the next generation). */
	static random(generation = 0): Promise<SenderKey> {
		return SenderKey.fromMaterial(generation, randomBytes(MATERIAL_BYTES));
	}

	/** The next generation, derived one way: it opens nothing of this one's. */
	async ratchet(): Promise<SenderKey> {
		const next = this.generation + 1;
		return SenderKey.fromMaterial(next, await derive(this.#material, 'ratchet', MATERIAL_BYTES, uint32(next)));
	}

	/** The key as sent to another person, inside a box under their pairwise key. */
	toMessage(): Bytes {
		return concatBytes(Uint8Array.of(KEY_MESSAGE_FORMAT), uint32(this.generation), this.#material);
	}

	static fromMessage(message: Uint8Array): Promise<SenderKey> {
		if (message.length !== KEY_MESSAGE_BYTES || message[0] !== KEY_MESSAGE_FORMAT) {
			return Promise.reject(new E2eeError('bad-key-message', 'not a sender key message'));
		}
		return SenderKey.fromMaterial(readUint32(message, 1), message.slice(5));
	}
}
