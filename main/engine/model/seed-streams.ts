/**
 * Tags that keep the random streams of one run apart: weights use deriveSeed(seed, tag, kernel) and dropout
 * masks deriveSeed(seed, tag, epoch, batch), while the epoch shuffle uses deriveSeed(seed, epoch). The tag
 * makes these hash paths differ from each other. Changing a tag changes every run's numbers: don't.
 */
export const SEED_STREAMS = {
  init: 0x494e4954, // "INIT"
  dropout: 0x44524f50, // "DROP"
} as const;
