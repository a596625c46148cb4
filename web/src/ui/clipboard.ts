/** Copies text; resolves whether the browser really did (it refuses without permission, and on plain HTTP has no clipboard at all). */
export async function copyText(text: string): Promise<boolean> {
	try {
		if (!navigator.clipboard) return false;
		await navigator.clipboard.writeText(text);
		return true;
	} catch {
		return false;
	}
}
