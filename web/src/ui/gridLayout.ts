/**
 * Pure tile layout: how many columns and rows fit, and which tiles are on
 * the current page once they no longer fit on one screen.
 */
export interface GridOptions {
	/** Narrowest a tile may get, in CSS pixels. Default 160. */
	minTileWidth?: number;
	/** Tile width / height. Default 16/9. */
	aspectRatio?: number;
}

export interface GridLayout<T> {
	columns: number;
	rows: number;
	/** Tiles per page. */
	pageSize: number;
	pageCount: number;
	/** The page shown, clamped to what exists (0-based). */
	page: number;
	tiles: T[];
}

export function layoutGrid<T>(tiles: readonly T[], viewport: { width: number; height: number }, page: number,
	options: GridOptions = {}): GridLayout<T> {
	const minTileWidth = options.minTileWidth ?? 160;
	const aspectRatio = options.aspectRatio ?? 16 / 9;
	const width = Math.max(viewport.width, minTileWidth);
	const height = Math.max(viewport.height, minTileWidth / aspectRatio);
	const maxColumns = Math.max(1, Math.floor(width / minTileWidth));
	const maxRows = Math.max(1, Math.floor(height / (minTileWidth / aspectRatio)));
	const pageSize = maxColumns * maxRows;
	const pageCount = Math.max(1, Math.ceil(tiles.length / pageSize));
	const shownPage = Math.min(Math.max(0, page), pageCount - 1);
	const shown = tiles.slice(shownPage * pageSize, (shownPage + 1) * pageSize);

	// Among the column counts that fit, take the one that makes tiles largest.
	let best = { columns: 1, rows: Math.max(1, shown.length), tileWidth: 0 };
	for (let columns = 1; columns <= Math.min(maxColumns, Math.max(1, shown.length)); columns++) {
		const rows = Math.max(1, Math.ceil(shown.length / columns));
		if (rows > maxRows) continue;
		const tileWidth = Math.min(width / columns, (height / rows) * aspectRatio);
		// On a tie, a landscape screen prefers more columns, a portrait one more rows.
		const better = tileWidth > best.tileWidth || (tileWidth === best.tileWidth && width >= height);
		if (better) best = { columns, rows, tileWidth };
	}
	return { columns: best.columns, rows: best.rows, pageSize, pageCount, page: shownPage, tiles: shown };
}
