/**
 * Linked identities: one person known to several apps (a Messenger account
 * id, a WhatsApp phone number). An app declares that its user is also a
 * user of another app; the link takes effect only when that other app
 * confirms it for its own user, so each app vouches only for its own people.
 * Active links are followed transitively when deciding who owns a room.
 */
import { nanoid } from 'nanoid';
import { AppRegistry } from '../apps/AppRegistry.js';
import type { AppUser } from '../auth/appTokens.js';
import { Errors } from '../errors.js';
import type { IdentityLink, IdentityLinkStore } from '../store/IdentityLinkStore.js';

export type { IdentityLink };

export class IdentityLinks {
	readonly #store: IdentityLinkStore;
	readonly #apps: AppRegistry;

	constructor(store: IdentityLinkStore, apps: AppRegistry) {
		this.#store = store;
		this.#apps = apps;
	}

	/**
	 * `user` (vouched for by their app's token) says they are `userId` of
	 * `appId`. Pending until that app confirms; if that app had already
	 * declared the reverse, this confirms it instead.
	 */
	async declare(user: AppUser, appId: string, userId: string): Promise<IdentityLink> {
		const app = this.#apps.get(appId);
		if (!app) throw Errors.invalidPayload(`unknown app ${appId}`);
		if (app.id === user.app.id) throw Errors.invalidPayload('link identities of two different apps');
		if (!AppRegistry.isValidUserId(app, userId)) throw Errors.invalidPayload(`userId is not a valid ${app.name} user id`);
		const to = `${app.id}:${userId}`;
		const reverse = await this.#store.between(to, user.identity);
		if (reverse) return reverse.status === 'active' ? reverse : this.#activate(reverse.id);
		const existing = await this.#store.between(user.identity, to);
		if (existing) return existing;
		const link: IdentityLink = { id: `lnk_${nanoid()}`, from: user.identity, to, status: 'pending', createdAt: new Date().toISOString(), confirmedAt: null };
		await this.#store.insert(link);
		return link;
	}

	/** The other side confirms: only the identity the link points to may. */
	async confirm(user: AppUser, linkId: string): Promise<IdentityLink> {
		const link = await this.#store.get(linkId);
		if (!link || link.to !== user.identity) throw Errors.notFound('identity link');
		return link.status === 'active' ? link : this.#activate(link.id);
	}

	/** Either side may undo a link, pending or active. */
	async remove(user: AppUser, linkId: string): Promise<void> {
		const link = await this.#store.get(linkId);
		if (!link || (link.from !== user.identity && link.to !== user.identity)) throw Errors.notFound('identity link');
		await this.#store.delete(linkId);
	}

	/** Links this user declared or must confirm. */
	list(user: AppUser): Promise<IdentityLink[]> {
		return this.#store.listFor(user.identity);
	}

	/** The identity and every identity actively linked to it, directly or through others. */
	async identitiesOf(identity: string): Promise<string[]> {
		const found = new Set([identity]);
		for (const current of found) {
			for (const other of await this.#store.activeNeighbours(current)) found.add(other);
		}
		return [...found];
	}

	async #activate(id: string): Promise<IdentityLink> {
		return (await this.#store.activate(id, new Date().toISOString()))!;
	}
}
