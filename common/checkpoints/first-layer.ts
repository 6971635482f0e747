/** A kept model's first weighted layer as pictures (`models.firstLayer`, the run page's First layer panel). */
export interface FirstLayerPictures {
  drawable: true;
  runId: string;
  epoch: number;
  layer: string;
  kind: 'dense' | 'conv2d';
  /** Units (dense) or filters (conv2d) the layer has; at most MAX_FIRST_LAYER_TILES are drawn. */
  units: number;
  /** Each tile's [height, width]: the input image's for a dense layer, the kernel's for a convolution. */
  tileShape: [number, number];
  /** Per unit or filter, row by row: its incoming weights (a convolution: input channel 0). */
  tiles: number[][];
  /** The largest |weight| over the tiles drawn: they share one grey scale, 0 in the middle. */
  maxAbs: number;
}

export const MAX_FIRST_LAYER_TILES = 64;

/**
 * A first layer with no picture to draw (a dense layer on tabular features). An answer, not an error: the run
 * page asks for every run and shows the panel only where there is something to show.
 */
export interface FirstLayerNotDrawable {
  drawable: false;
  runId: string;
  epoch: number;
  reason: string;
}

export type FirstLayerAnswer = FirstLayerPictures | FirstLayerNotDrawable;
