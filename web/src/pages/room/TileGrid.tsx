/**
 * The tiles, sized to the space they have: a paged grid of everyone, or a
 * stage (a pinned, spotlighted or speaking person, or a screen share) above
 * a paged strip of the others, whose tiles never shrink below 160 px. On a
 * phone held upright with others in the room, one's own camera is a small floating view
 * instead of a tile, as in Meet and Messenger.
 */
import { type ReactNode, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TileModel } from '../../room/tiles.js';
import { layoutGrid } from '../../ui/gridLayout.js';
import { useI18n } from '../../ui/I18n.js';
import { Tile, type TileProps } from '../../ui/Tile.js';
import { PHONE_PORTRAIT, useMediaQuery } from '../../ui/useMediaQuery.js';

/**
 * The element's size, followed as it changes; `present` re-attaches when a
 * conditionally shown element appears. `measured` is false until the first
 * observation (the size is a guess until then).
 */
function useElementSize(ref: React.RefObject<HTMLElement | null>, present = true): { width: number; height: number; measured: boolean } {
	const [size, setSize] = useState({ width: 800, height: 450, measured: false });
	useLayoutEffect(() => {
		const element = ref.current;
		if (!element) return;
		const observer = new ResizeObserver(([entry]) => {
			if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height, measured: true });
		});
		observer.observe(element);
		return () => observer.disconnect();
	}, [ref, present]);
	return size;
}

export interface TileGridProps {
	tiles: TileModel[];
	stage?: TileModel;
	/** One's own id: on a phone, one's own camera floats small once anyone else is in. */
	selfId?: string;
	onAudioBlocked: () => void;
	speakerId?: string;
	onPin: (participantId: string) => void;
	/** Hosts and co-hosts only. */
	onSpotlight?: (participantId: string) => void;
	/** The tiles on screen now with their heights in CSS pixels, so that only their video is sent, each at the size it needs. */
	onView: (tiles: { participantId: string; isScreen?: boolean; height: number }[]) => void;
	/** Each tile shows its received resolution. */
	debug: boolean;
	/** Drawn over the bottom of the tiles, above the pager, inside the tiles' area: the notices. */
	overlay?: ReactNode;
}

const tileKey = (tile: TileModel) => `${tile.participantId}:${tile.isScreen ? 'screen' : 'camera'}`;

export function TileGrid({ tiles: allTiles, stage, selfId, onAudioBlocked, speakerId, onPin, onSpotlight, onView, debug, overlay }: TileGridProps) {
	const { t } = useI18n();
	const phone = useMediaQuery(PHONE_PORTRAIT);
	const ownCamera = allTiles.find((tile) => tile.participantId === selfId && !tile.isScreen);
	const floatingSelf = phone && ownCamera && (allTiles.length > 1 || stage) ? ownCamera : undefined;
	const tiles = floatingSelf ? allTiles.filter((tile) => tile !== floatingSelf) : allTiles;
	const [page, setPage] = useState(0);
	const gridRef = useRef<HTMLDivElement>(null);
	const size = useElementSize(gridRef);
	const grid = layoutGrid(tiles, size, page);
	// Beside a stage, strip tiles keep their 16:9 shape instead of stretching across the width.
	const stripTileWidth = Math.floor(Math.min(size.width / grid.columns, (size.height / grid.rows) * (16 / 9)));
	// A grid of half columns, each tile two wide, so that a last row that is not full (3 people on 2×2) is centred, not left with a hole.
	const columns = stage ? `repeat(${grid.columns}, ${stripTileWidth}px)` : `repeat(${grid.columns * 2}, 1fr)`;
	const lastRow = stage || grid.rows < 2 ? 0 : grid.tiles.length % grid.columns;
	const lastRowStart = grid.tiles.length - lastRow;
	const stageRef = useRef<HTMLDivElement>(null);
	const stageSize = useElementSize(stageRef, Boolean(stage));
	const tileHeight = Math.round(Math.min(size.height / grid.rows, (size.width / grid.columns) * (9 / 16)));
	const shown = [
		...(stage ? [{ participantId: stage.participantId, isScreen: stage.isScreen, height: Math.round(stageSize.height) }] : []),
		...grid.tiles.map(({ participantId, isScreen }) => ({ participantId, isScreen, height: tileHeight })),
	];
	// Reported once the sizes are measured: a guessed size would show (and fetch) the wrong page.
	const measured = size.measured && (!stage || stageSize.measured);
	const shownKey = measured ? JSON.stringify(shown) : '';
	useEffect(() => {
		if (shownKey) onView(JSON.parse(shownKey) as typeof shown);
	}, [shownKey, onView]);
	const tileProps = (tile: TileModel): TileProps => ({
		...tile,
		onAudioBlocked,
		speakerId,
		debug,
		...(tile.isScreen ? {} : {
			onPin: () => onPin(tile.participantId),
			...(onSpotlight ? { onSpotlight: () => onSpotlight(tile.participantId) } : {}),
		}),
	});
	return (
		<div className={`stage-area ${stage ? 'with-stage' : ''}`}>
			{/* Keyed by person: when the stage changes hands, a focused or pressed "Pin Bo" must not become Hana's button in place. */}
			{stage && <div className="stage" ref={stageRef}><Tile key={tileKey(stage)} {...tileProps(stage)} /></div>}
			<div className={`grid ${stage ? '' : 'halves'}`} ref={gridRef} style={{ gridTemplateColumns: columns, gridTemplateRows: `repeat(${grid.rows}, 1fr)` }}>
				{grid.tiles.map((tile, index) => <Tile key={tileKey(tile)} {...tileProps(tile)}
					{...(lastRow > 0 && index === lastRowStart ? { gridColumnStart: grid.columns - lastRow + 1 } : {})} />)}
			</div>
			{floatingSelf && <div className="floating-self"><Tile key={tileKey(floatingSelf)} {...floatingSelf} onAudioBlocked={onAudioBlocked} compact /></div>}
			<div className="overlay-anchor">{overlay}</div>
			{grid.pageCount > 1 && (
				<nav className="pager">
					<button type="button" onClick={() => setPage(grid.page - 1)} disabled={grid.page === 0}>{t('room.previousPage')}</button>
					<span>{t('room.page', { page: grid.page + 1, pages: grid.pageCount })}</span>
					<button type="button" onClick={() => setPage(grid.page + 1)} disabled={grid.page >= grid.pageCount - 1}>{t('room.nextPage')}</button>
				</nav>
			)}
		</div>
	);
}
