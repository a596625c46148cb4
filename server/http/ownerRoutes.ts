/**
 * The owner app's API: rooms, host controls, ingest, the timeline, webhook
 * deliveries and identity links. Every route needs an app token; the rules
 * behind each control live in Moderation, shared with the in-room hosts.
 */
import express, { type Request, type Router } from 'express';
import {
	CreateRoomBody, EventsQuery, IdentityLinkBody, IngestBody, LinkResetBody, RoomSettingsPatch, RoomsQuery, SetRoleRequest,
} from '../../shared/schemas.js';
import type { AppRegistry } from '../apps/AppRegistry.js';
import { appIdOf } from '../auth/appTokens.js';
import type { IdentityLinks } from '../services/IdentityLinks.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Actor } from '../services/ActivityFeed.js';
import type { Ingest } from '../services/Ingest.js';
import type { Invitations } from '../services/Invitations.js';
import type { Moderation } from '../services/Moderation.js';
import { roomView } from '../rooms/views.js';
import type { WebhookDispatcher } from '../webhooks/WebhookDispatcher.js';
import { appUser, requireApp } from './appAuth.js';
import { type RoomForwardingDeps, forwardByRoom } from './roomForwarding.js';
import { parseBody } from './validate.js';

export interface OwnerRoutesDeps {
	invitations: Invitations;
	moderation: Moderation;
	ingest: Ingest;
	links: IdentityLinks;
	webhooks: WebhookDispatcher;
	apps: AppRegistry;
	metrics: Metrics;
	logger: Logger;
	/** Where a room's requests are answered: on a node of a cluster, by the node holding it. */
	roomForwarding: RoomForwardingDeps;
}

const app = (req: Request): Actor => ({ kind: 'app', user: appUser(req) });
const roomId = (req: Request): string => String(req.params.id);
const participantId = (req: Request): string => String(req.params.participantId);

export function ownerRoutes(deps: OwnerRoutesDeps): Router {
	const { invitations, moderation, links, webhooks, metrics, logger } = deps;
	const router = express.Router();
	router.use(['/rooms', '/identity-links'], requireApp(deps.apps));
	router.use('/rooms/:id', forwardByRoom(deps.roomForwarding));

	router.post('/rooms', async (req, res) => {
		const body = parseBody(CreateRoomBody, req.body);
		const user = appUser(req);
		const created = await invitations.createRoom(user, body);
		metrics.roomsCreated.inc();
		logger.info({ roomId: created.room.id, app: user.app.id }, 'room created');
		res.status(201).json(created);
	});
	router.get('/rooms', async (req, res) => {
		res.json(await invitations.listRooms(appUser(req), parseBody(RoomsQuery, req.query)));
	});
	router.get('/rooms/:id', async (req, res) => {
		res.json({ room: await invitations.getRoom(appUser(req), roomId(req)) });
	});
	router.patch('/rooms/:id', async (req, res) => {
		await moderation.update(roomId(req), app(req), parseBody(RoomSettingsPatch, req.body));
		res.json({ room: await invitations.getRoom(appUser(req), roomId(req)) });
	});
	router.post('/rooms/:id/link/reset', async (req, res) => {
		const { expiresAt } = parseBody(LinkResetBody, req.body);
		const { record, inviteUrl, hostUrl } = await moderation.resetLink(roomId(req), app(req), expiresAt ?? null);
		logger.info({ roomId: record.id }, 'invite link reset');
		res.json({ room: roomView(record), inviteUrl, hostUrl });
	});
	router.post('/rooms/:id/end', async (req, res) => {
		const ended = await moderation.end(roomId(req), app(req));
		logger.info({ roomId: ended.id }, 'room ended');
		res.json({ room: roomView(ended) });
	});
	router.delete('/rooms/:id/participants/:participantId', async (req, res) => {
		await moderation.remove(roomId(req), app(req), participantId(req));
		res.status(204).end();
	});
	router.post('/rooms/:id/participants/:participantId/mute', async (req, res) => {
		res.json({ muted: await moderation.mute(roomId(req), app(req), participantId(req)) });
	});
	router.post('/rooms/:id/participants/:participantId/role', async (req, res) => {
		const { role } = parseBody(SetRoleRequest.pick({ role: true }), req.body);
		res.json({ participant: (await moderation.setRole(roomId(req), app(req), participantId(req), role)).ownerView() });
	});
	router.post('/rooms/:id/mute', async (req, res) => {
		res.json({ muted: await moderation.muteAll(roomId(req), app(req)) });
	});
	for (const answer of ['admit', 'deny'] as const) {
		router.post(`/rooms/:id/lobby/:participantId/${answer}`, async (req, res) => {
			await moderation.answer(roomId(req), app(req), participantId(req), answer === 'admit');
			res.status(204).end();
		});
	}
	router.post('/rooms/:id/ingest', async (req, res) => {
		const created = await deps.ingest.create(appUser(req), roomId(req), parseBody(IngestBody, req.body));
		// The answer holds an SRTP key and a token: neither is logged.
		logger.info({ roomId: roomId(req), participantId: created.participantId }, 'ingest participant created');
		res.status(201).json(created);
	});
	router.get('/rooms/:id/events', async (req, res) => {
		const { after, limit } = parseBody(EventsQuery, req.query);
		res.json({ events: await moderation.events(roomId(req), app(req), after, limit) });
	});
	router.get('/rooms/:id/webhooks', async (req, res) => {
		const user = appUser(req);
		const room = await invitations.getRoom(user, roomId(req));
		const { limit } = parseBody(EventsQuery, req.query);
		res.json({ deliveries: await webhooks.list(appIdOf(room.owner.identity), room.id, limit) });
	});

	router.post('/identity-links', async (req, res) => {
		const { app: appId, userId } = parseBody(IdentityLinkBody, req.body);
		const link = await links.declare(appUser(req), appId, userId);
		res.status(link.status === 'active' ? 200 : 201).json({ link });
	});
	router.get('/identity-links', async (req, res) => {
		res.json({ links: await links.list(appUser(req)) });
	});
	router.post('/identity-links/:id/confirm', async (req, res) => {
		res.json({ link: await links.confirm(appUser(req), String(req.params.id)) });
	});
	router.delete('/identity-links/:id', async (req, res) => {
		await links.remove(appUser(req), String(req.params.id));
		res.status(204).end();
	});
	return router;
}
