/**
 * Which simulcast layer a viewer needs for a tile: the lowest spatial layer
 * whose picture is at least as tall as the tile (in device pixels), and
 * the full frame rate only from the middle layer up (a thumbnail does not
 * need 30 fps). Browsers publish layers at 1/4, 1/2 and the full height of
 * the camera's picture.
 */
export interface PreferredLayers {
	spatialLayer: number;
	temporalLayer: number;
}

/** Heights of the layers, lowest first, relative to the full picture. */
const LAYER_SCALES = [1 / 4, 1 / 2, 1];
/** Temporal layers per spatial layer (VP8 with L1T3). */
const TOP_TEMPORAL_LAYER = 2;

export function preferredLayers(tileHeight: number, pictureHeight: number, spatialLayers = LAYER_SCALES.length): PreferredLayers {
	const scales = LAYER_SCALES.slice(LAYER_SCALES.length - spatialLayers);
	let spatialLayer = scales.findIndex((scale) => scale * pictureHeight >= tileHeight);
	if (spatialLayer < 0) spatialLayer = scales.length - 1;
	return { spatialLayer, temporalLayer: spatialLayer === 0 && scales.length > 1 ? TOP_TEMPORAL_LAYER - 1 : TOP_TEMPORAL_LAYER };
}
