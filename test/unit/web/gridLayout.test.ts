import { describe, expect, it } from 'vitest';
import { layoutGrid } from '../../../web/src/ui/gridLayout.js';

const tiles = (count: number) => Array.from({ length: count }, (_, i) => i);
const desktop = { width: 1280, height: 720 };
const phone = { width: 360, height: 560 };

describe('layoutGrid', () => {
	it('shows one tile alone and full size', () => {
		expect(layoutGrid(tiles(1), desktop, 0)).toMatchObject({ columns: 1, rows: 1, pageCount: 1, tiles: [0] });
	});

	it('puts two tiles side by side on a wide screen and stacked on a phone', () => {
		expect(layoutGrid(tiles(2), desktop, 0)).toMatchObject({ columns: 2, rows: 1 });
		expect(layoutGrid(tiles(2), phone, 0)).toMatchObject({ columns: 1, rows: 2 });
	});

	it('fits all 50 tiles into pages that each fit the screen', () => {
		const first = layoutGrid(tiles(50), desktop, 0);
		expect(first.columns * first.rows).toBeGreaterThanOrEqual(first.tiles.length);
		expect(first.pageCount).toBe(Math.ceil(50 / first.pageSize));
		const seen = Array.from({ length: first.pageCount }, (_, page) => layoutGrid(tiles(50), desktop, page).tiles).flat();
		expect(seen).toEqual(tiles(50));
	});

	it('never makes a tile narrower than the minimum', () => {
		for (const count of [1, 3, 7, 12, 25, 50]) {
			for (const viewport of [desktop, phone]) {
				const layout = layoutGrid(tiles(count), viewport, 0);
				expect(viewport.width / layout.columns).toBeGreaterThanOrEqual(160);
			}
		}
	});

	it('clamps a page past the end to the last page', () => {
		const layout = layoutGrid(tiles(50), phone, 99);
		expect(layout.page).toBe(layout.pageCount - 1);
		expect(layout.tiles.at(-1)).toBe(49);
	});
});
