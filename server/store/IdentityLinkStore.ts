/** Persistence of identity links (see services/IdentityLinks for the rules). */

export interface IdentityLink {
	id: string;
	/** The identity whose app declared the link. */
	from: string;
	/** The identity whose app must confirm it. */
	to: string;
	status: 'pending' | 'active';
	createdAt: string;
	confirmedAt: string | null;
}

export interface IdentityLinkStore {
	insert(link: IdentityLink): Promise<void>;
	get(id: string): Promise<IdentityLink | undefined>;
	between(from: string, to: string): Promise<IdentityLink | undefined>;
	/** Marks the link active; resolves with it. */
	activate(id: string, at: string): Promise<IdentityLink | undefined>;
	delete(id: string): Promise<void>;
	/** Links the identity declared or must confirm, oldest first. */
	listFor(identity: string): Promise<IdentityLink[]>;
	/** The other ends of the identity's active links. */
	activeNeighbours(identity: string): Promise<string[]>;
}
