import { slugify } from '../../common/text/slug';

/** Dataset ids are what the run store accepts and what a user types: lower-case letters, digits and dashes. */
export const DATASET_ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** "notMNIST" → "notmnist", "Fashion MNIST (small)" → "fashion-mnist-small", "Café" → "cafe". */
export const datasetIdFromName = slugify;
