/** The suffix New run gives a fork's name: "<parent> · fork @<epoch>". */
const FORK_SUFFIX = / · fork @\d+$/;

/**
 * The config New run opens on when it starts from the last run. A fork's name would say "fork" of a run that is
 * not one: the next run is trained from its seed, so it takes the name the fork's parent had.
 */
export function variationOf<T extends Record<string, unknown>>(config: T): T {
  const { name } = config;
  return typeof name === 'string' && FORK_SUFFIX.test(name)
    ? { ...config, name: name.replace(FORK_SUFFIX, '') }
    : config;
}
