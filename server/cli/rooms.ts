/**
 * Act as a chat app from the terminal: signs a real app JWT with the app's
 * secret and calls the real API.
 *
 *   npm run rooms -- create --app whatsapp --user +15551234567 --name "Ana" [--title T] [--max N] [--signed-in] [--e2ee]
 *   npm run rooms -- list   --app whatsapp --user +15551234567 --name "Ana"
 *   npm run rooms -- end    --app whatsapp --user +15551234567 --name "Ana" --room <id>
 *
 * Secrets come from ROOMS_APPS or the data directory, as for the server.
 * The server is ROOMS_PUBLIC_URL (default http://localhost:$PORT), or --url.
 * With --e2ee the room is end-to-end encrypted: its key is made here, as a
 * chat app makes it on its user's device, and goes only into the printed links.
 */
import { parseArgs } from 'node:util';
import { AppRegistry } from '../apps/AppRegistry.js';
import { signAppToken } from '../../shared/appTokens.js';
import { newRoomSecret } from '../../shared/e2ee/roomSecret.js';
import { withRoomSecret } from '../../shared/links.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';

const USAGE = 'usage: npm run rooms -- <create|list|end> --app ID --user USER_ID --name NAME [--title T] [--max N] [--signed-in] [--e2ee] [--room ID] [--url URL]';

async function main(): Promise<number> {
	const { positionals, values } = parseArgs({
		allowPositionals: true,
		options: {
			app: { type: 'string' },
			user: { type: 'string' },
			name: { type: 'string' },
			title: { type: 'string' },
			max: { type: 'string' },
			'signed-in': { type: 'boolean' },
			e2ee: { type: 'boolean' },
			room: { type: 'string' },
			url: { type: 'string' },
		},
	});
	const command = positionals[0];
	if (!command || !['create', 'list', 'end'].includes(command) || !values.app || !values.user || !values.name) {
		console.error(USAGE);
		return 2;
	}
	const config = loadConfig();
	const apps = AppRegistry.load(config.appsSource, config.dataDir, createLogger('silent'));
	const app = apps.get(values.app);
	if (!app) {
		console.error(`rooms: no app "${values.app}" (known: ${apps.list().map(({ id }) => id).join(', ')})`);
		return 2;
	}
	const base = (values.url ?? config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
	const headers = { authorization: `Bearer ${signAppToken(app, values.user, values.name)}`, 'content-type': 'application/json' };

	let response: Response;
	if (command === 'create') {
		const body = {
			...(values.title ? { title: values.title } : {}),
			...(values.max ? { maxParticipants: Number(values.max) } : {}),
			...(values['signed-in'] ? { audience: 'signed-in' } : {}),
			...(values.e2ee ? { e2ee: true } : {}),
		};
		response = await fetch(`${base}/api/v1/rooms`, { method: 'POST', headers, body: JSON.stringify(body) });
	} else if (command === 'list') {
		response = await fetch(`${base}/api/v1/rooms`, { headers });
	} else {
		if (!values.room) {
			console.error(USAGE);
			return 2;
		}
		response = await fetch(`${base}/api/v1/rooms/${encodeURIComponent(values.room)}/end`, { method: 'POST', headers });
	}
	const result = await response.json() as Record<string, any>;
	if (!response.ok) {
		console.error(`rooms: ${response.status} ${result.error?.code}: ${result.error?.message}`);
		return 1;
	}
	if (command === 'create') {
		// The server never sees the key: it is made here and put only in the links printed.
		const secret = result.room.e2ee ? newRoomSecret() : undefined;
		console.log(`Room:        ${result.room.title} (${result.room.id})${secret ? ', end-to-end encrypted' : ''}`);
		console.log(`Invite link: ${withRoomSecret(result.inviteUrl, secret)}`);
		console.log(`Host link:   ${withRoomSecret(result.hostUrl, secret)}`);
	} else if (command === 'list') {
		for (const room of result.rooms) console.log(`${room.id}  ${room.status.padEnd(6)}  ${room.code}  ${room.title}`);
		if (result.rooms.length === 0) console.log('no rooms');
	} else {
		console.log(`Ended ${result.room.title} (${result.room.id})`);
	}
	return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
	if (error instanceof ConfigError) console.error(`rooms: ${error.message}`);
	else console.error(`rooms: ${(error as Error).message}`);
	process.exit(1);
});
