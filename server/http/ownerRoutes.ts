/**
 * The owner app's API: rooms, host controls, the timeline, webhook
 * deliveries and identity links. Every route needs an app token; the rules
 * behind each control live in RoomControl, shared with the in-room hosts.
 */
import express, { type Request, type Router } from 'express';
import {
	CreateRoomBody, EventsQuery, IdentityLinkBody, LinkResetBody, RoomSettingsPatch, SetRoleRequest,
} from '../../shared/schemas.js';
import type { AppRegistry } from '../apps/AppRegistry.js';
import { appIdOf } from '../auth/appTokens.js';
import type { IdentityLinks } from '../identity/IdentityLinks.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Actor } from '../rooms/RoomActivity.js';
import type { RoomControl } from '../rooms/RoomControl.js';
import { type RoomService, roomView } from '../rooms/RoomService.js';
import type { WebhookDispatcher } from '../webhooks/WebhookDispatcher.js';
import { appUser, requireApp } from './appAuth.js';
import { parseBody } from './validate.js';

export interface OwnerRoutesDeps {
	rooms: RoomService;
	control: RoomControl;
	links: IdentityLinks;
	webhooks: WebhookDispatcher;
	apps: AppRegistry;
	metrics: Metrics;
	logger: Logger;
}

const app = (req: Request): Actor => ({ kind: 'app', user: appUser(req) });
const roomId = (req: Request): string => String(req.params.id);
const participantId = (req: Request): string => String(req.params.participantId);

export function ownerRoutes(deps: OwnerRoutesDeps): Router {
	const { rooms, control, links, webhooks, metrics, logger } = deps;
	const router = express.Router();
	router.use(['/rooms', '/identity-links'], requireApp(deps.apps));

	router.post('/rooms', (req, res) => {
		const body = parseBody(CreateRoomBody, req.body);
		const user = appUser(req);
		const created = rooms.createRoom(user, body);
		metrics.roomsCreated.inc();
		logger.info({ roomId: created.room.id, app: user.app.id }, 'room created');
		res.status(201).json(created);
	});
	router.get('/rooms', (req, res) => {
		res.json({ rooms: rooms.listRooms(appUser(req)) });
	});
	router.get('/rooms/:id', (req, res) => {
		res.json({ room: rooms.getRoom(appUser(req), roomId(req)) });
	});
	router.patch('/rooms/:id', (req, res) => {
		control.update(roomId(req), app(req), parseBody(RoomSettingsPatch, req.body));
		res.json({ room: rooms.getRoom(appUser(req), roomId(req)) });
	});
	router.post('/rooms/:id/link/reset', (req, res) => {
		const { expiresAt } = parseBody(LinkResetBody, req.body);
		const { record, inviteUrl, hostUrl } = control.resetLink(roomId(req), app(req), expiresAt ?? null);
		logger.info({ roomId: record.id }, 'invite link reset');
		res.json({ room: roomView(record), inviteUrl, hostUrl });
	});
	router.post('/rooms/:id/end', (req, res) => {
		const ended = control.end(roomId(req), app(req));
		logger.info({ roomId: ended.id }, 'room ended');
		res.json({ room: roomView(ended) });
	});
	router.delete('/rooms/:id/participants/:participantId', (req, res) => {
		control.remove(roomId(req), app(req), participantId(req));
		res.status(204).end();
	});
	router.post('/rooms/:id/participants/:participantId/mute', async (req, res) => {
		res.json({ muted: await control.mute(roomId(req), app(req), participantId(req)) });
	});
	router.post('/rooms/:id/participants/:participantId/role', (req, res) => {
		const { role } = parseBody(SetRoleRequest.pick({ role: true }), req.body);
		res.json({ participant: control.setRole(roomId(req), app(req), participantId(req), role).view() });
	});
	router.post('/rooms/:id/mute', async (req, res) => {
		res.json({ muted: await control.muteAll(roomId(req), app(req)) });
	});
	for (const answer of ['admit', 'deny'] as const) {
		router.post(`/rooms/:id/lobby/:participantId/${answer}`, (req, res) => {
			control.answer(roomId(req), app(req), participantId(req), answer === 'admit');
			res.status(204).end();
		});
	}
	router.get('/rooms/:id/events', (req, res) => {
		const { after, limit } = parseBody(EventsQuery, req.query);
		res.json({ events: control.events(roomId(req), app(req), after, limit) });
	});
	router.get('/rooms/:id/webhooks', (req, res) => {
		const user = appUser(req);
		const room = rooms.getRoom(user, roomId(req));
		const { limit } = parseBody(EventsQuery, req.query);
		res.json({ deliveries: webhooks.list(appIdOf(room.owner.identity), room.id, limit) });
	});

	router.post('/identity-links', (req, res) => {
		const { app: appId, userId } = parseBody(IdentityLinkBody, req.body);
		const link = links.declare(appUser(req), appId, userId);
		res.status(link.status === 'active' ? 200 : 201).json({ link });
	});
	router.get('/identity-links', (req, res) => {
		res.json({ links: links.list(appUser(req)) });
	});
	router.post('/identity-links/:id/confirm', (req, res) => {
		res.json({ link: links.confirm(appUser(req), String(req.params.id)) });
	});
	router.delete('/identity-links/:id', (req, res) => {
		links.remove(appUser(req), String(req.params.id));
		res.status(204).end();
	});
	return router;
}
