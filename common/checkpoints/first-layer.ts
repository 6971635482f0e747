/** A kept model's first weighted layer as pictures (`models.firstLayer`, the run page's First layer panel). */
export interface FirstLayerPictures {
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
