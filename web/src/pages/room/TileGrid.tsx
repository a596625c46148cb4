/** The stage (a screen share) and the paged grid of tiles, sized to the space they have. */
import { useLayoutEffect, useRef, useState } from 'react';
import type { TileModel } from '../../room/tiles.js';
import { layoutGrid } from '../../ui/gridLayout.js';
import { useI18n } from '../../ui/I18n.js';
import { Tile } from '../../ui/Tile.js';

function useElementSize(ref: React.RefObject<HTMLElement | null>): { width: number; height: number } {
	const [size, setSize] = useState({ width: 800, height: 450 });
	useLayoutEffect(() => {
		const element = ref.current;
		if (!element) return;
		const observer = new ResizeObserver(([entry]) => {
			if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
		});
		observer.observe(element);
		return () => observer.disconnect();
	}, [ref]);
	return size;
}

export function TileGrid({ tiles, stage, onAudioBlocked }: { tiles: TileModel[]; stage?: TileModel; onAudioBlocked: () => void }) {
	const { t } = useI18n();
	const [page, setPage] = useState(0);
	const gridRef = useRef<HTMLDivElement>(null);
	const grid = layoutGrid(tiles, useElementSize(gridRef), page);
	return (
		<div className="stage-area">
			{stage && <div className="stage"><Tile {...stage} /></div>}
			<div className="grid" ref={gridRef} style={{ gridTemplateColumns: `repeat(${grid.columns}, 1fr)`, gridTemplateRows: `repeat(${grid.rows}, 1fr)` }}>
				{grid.tiles.map((tile) => <Tile key={tile.participantId} {...tile} onAudioBlocked={onAudioBlocked} />)}
			</div>
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
