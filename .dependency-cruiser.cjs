/**
 * The layers, enforced in `npm run typecheck` (README, "Layout"). An import
 * may point down or sideways, never up; no cycles anywhere:
 *
 *   shared/ (protocol, schemas, limits: imports nothing of ours)
 *   server base (errors, logger, SafeEmitter, addresses, config)
 *   server/store, server/auth, server/apps        persistence and credentials
 *   server/media, server/rooms, server/webhooks   the live domain
 *   server/services, server/routing, metrics      application services over stores and live rooms
 *   server/http, server/signaling                 the edges
 *   server main (main, RoomsServer, cli, tools)
 *
 * The browser app (web/src) imports only shared/ of ours. The load tool
 * (tools/) is a package of its own that talks to a server over its public
 * protocol: it imports shared/ and the browser's signalling client, never
 * the server's code or the tests'.
 */
const LAYERS = [
	['base', '^server/(errors|logger|SafeEmitter|addresses|config)\\.ts$'],
	['persistence', '^server/(store|auth|apps)/'],
	['domain', '^server/(media|rooms|webhooks)/'],
	['services', '^server/(services/|routing/|metrics\\.ts$)'],
	['edges', '^server/(http|signaling)/'],
	['main', '^server/((main|RoomsServer)\\.ts$|cli/|tools/)'],
];

const upward = LAYERS.slice(0, -1).map(([name, path], index) => ({
	name: `no-upward-from-${name}`,
	comment: `server ${name} may import only its own layer and the ones below it`,
	severity: 'error',
	from: { path },
	to: { path: LAYERS.slice(index + 1).map(([, higher]) => higher) },
}));

module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			comment: 'a cycle makes two modules one; split what they share into a third',
			severity: 'error',
			from: { path: '^(server|shared|web/src|tools)/' },
			to: { circular: true },
		},
		{
			name: 'shared-imports-nothing-of-ours',
			comment: 'shared/ is the bottom: the server and the browser both import it',
			severity: 'error',
			from: { path: '^shared/' },
			to: { path: '^(server|web|test|tools)/' },
		},
		{
			name: 'web-imports-only-shared',
			comment: 'the browser app talks to the server through the protocol in shared/, never its code',
			severity: 'error',
			from: { path: '^web/src/' },
			to: { path: '^(server|test|tools)/' },
		},
		{
			name: 'tools-import-no-server-internals',
			comment: 'the load tool is installed on load machines without the server: it speaks the public protocol in shared/',
			severity: 'error',
			from: { path: '^tools/' },
			to: { path: '^(server|test)/' },
		},
		...upward,
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		exclude: { path: '(^|/)(node_modules|dist)/' },
	},
};
