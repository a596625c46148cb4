/**
 * A room created without a title is "<owner>'s room". It is stored in
 * English (apps reading the API see that), and views mark it with the
 * owner's name so that browsers show it in the person's own language.
 */
export function defaultTitle(ownerName: string): string {
	return `${ownerName}'s room`;
}

/** The owner's name when `title` is the default one, to translate; else undefined. */
export function defaultTitleOf(title: string, ownerName: string): string | undefined {
	return title === defaultTitle(ownerName) ? ownerName : undefined;
}
