/**
 * Invite codes. Uniqueness (against live rooms and against codes retired by
 * a link reset, so an old link never leads to a new room) is the store's to
 * guarantee atomically; here a taken code is simply drawn again.
 */
import { customAlphabet } from 'nanoid';
import { INVITE_CODE_ALPHABET, LIMITS } from '../../shared/limits.js';
import { Errors } from '../errors.js';
import { CodeTakenError } from '../store/RoomStore.js';

export const randomInviteCode = customAlphabet(INVITE_CODE_ALPHABET, LIMITS.inviteCodeLength);

/** Draws at most this many codes; with 10 characters of 31, running out means something else is wrong. */
const MAX_DRAWS = 8;

/** Runs `use` with fresh codes until one is not taken. */
export async function withFreshCode<T>(use: (code: string) => Promise<T>, draw: () => string = randomInviteCode): Promise<T> {
	for (let attempt = 0; attempt < MAX_DRAWS; attempt++) {
		try {
			return await use(draw());
		} catch (error) {
			if (!(error instanceof CodeTakenError)) throw error;
		}
	}
	throw Errors.unavailable('could not find a free invite code; try again');
}
