/**
 * Chat in an encrypted room: the text goes as a box under the sender's chat
 * key (everyone's message) or their pairwise key (a private one), with the
 * generation in front so receivers pick the key. The associated data names
 * the sender and the recipient, so the server cannot pass a message off as
 * someone else's, or a private one as everyone's.
 */
import { concatBytes, fromBase64Url, readUint32, toBase64Url, uint32, utf8, type Key } from './bytes.js';
import { LIMITS } from '../limits.js';
import { open, seal } from './boxes.js';
import type { SenderKey } from './senderKey.js';

/** The box after the 4-byte generation. */
const CHAT_BOX_BYTES = LIMITS.maxChatBoxBytes - 4;

function associatedData(senderId: string, to: string | undefined, generation: number): Uint8Array<ArrayBuffer> {
	return concatBytes(utf8(`chat\n${senderId}\n${to ?? '*'}\n`), uint32(generation));
}

/** A message to everyone, under the sender's current key: the `box` of `chat.send`. */
export async function sealChat(text: string, senderId: string, key: SenderKey): Promise<string> {
	const box = await seal(key.chatKey, utf8(text), associatedData(senderId, undefined, key.generation), CHAT_BOX_BYTES);
	return toBase64Url(concatBytes(uint32(key.generation), box));
}

/** A private message, under the pairwise key of sender and recipient (generation 0: pairwise keys have none). */
export async function sealPrivateChat(text: string, senderId: string, to: string, pairwise: Key): Promise<string> {
	const box = await seal(pairwise, utf8(text), associatedData(senderId, to, 0), CHAT_BOX_BYTES);
	return toBase64Url(concatBytes(uint32(0), box));
}

/** The text of a message to everyone, or undefined when it cannot be opened (no key of that generation, or not authentic). */
export async function openChat(box: string, senderId: string, keyOf: (generation: number) => SenderKey | undefined): Promise<string | undefined> {
	const bytes = fromBase64Url(box);
	if (!bytes || bytes.length < 4) return undefined;
	const generation = readUint32(bytes, 0);
	const key = keyOf(generation);
	if (!key) return undefined;
	const plain = await open(key.chatKey, bytes.subarray(4), associatedData(senderId, undefined, generation), CHAT_BOX_BYTES);
	return plain && new TextDecoder().decode(plain);
}

export async function openPrivateChat(box: string, senderId: string, to: string, pairwise: Key): Promise<string | undefined> {
	const bytes = fromBase64Url(box);
	if (!bytes || bytes.length < 4 || readUint32(bytes, 0) !== 0) return undefined;
	const plain = await open(pairwise, bytes.subarray(4), associatedData(senderId, to, 0), CHAT_BOX_BYTES);
	return plain && new TextDecoder().decode(plain);
}
