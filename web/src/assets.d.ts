/** Vite's `?url` imports: the built file's URL, content-hashed and served by us (nothing is fetched from elsewhere). */
declare module '*?url' {
	const url: string;
	export default url;
}
