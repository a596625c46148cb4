import { describe, expect, it } from 'vitest';
import { preferredLayers } from '../../../server/media/layers.js';

describe('preferredLayers', () => {
	it('picks the lowest layer at least as tall as the tile, for a 720p camera (180p, 360p, 720p)', () => {
		expect(preferredLayers(90, 720)).toEqual({ spatialLayer: 0, temporalLayer: 1 });
		expect(preferredLayers(180, 720)).toEqual({ spatialLayer: 0, temporalLayer: 1 });
		expect(preferredLayers(181, 720)).toEqual({ spatialLayer: 1, temporalLayer: 2 });
		expect(preferredLayers(360, 720)).toEqual({ spatialLayer: 1, temporalLayer: 2 });
		expect(preferredLayers(500, 720)).toEqual({ spatialLayer: 2, temporalLayer: 2 });
	});

	it('asks for the top layer when even it is smaller than the tile, and scales with the picture', () => {
		expect(preferredLayers(2000, 720).spatialLayer).toBe(2);
		expect(preferredLayers(100, 360).spatialLayer).toBe(1);
	});

	it('handles producers with fewer layers', () => {
		expect(preferredLayers(100, 360, 1)).toEqual({ spatialLayer: 0, temporalLayer: 2 });
		expect(preferredLayers(100, 360, 2)).toEqual({ spatialLayer: 0, temporalLayer: 1 });
	});
});
