import type { ApiBackendOptions } from './backend-types';
import type { ApiHandlers, AppInfo } from '../../common/api/contract';
import { listDatasets } from '../datasets/catalog';
import { checkRunConfig, type ConfigCheckContext } from '../services/config-check';
import { listPresetInfos } from '../services/presets';

export interface InfoHandlerDeps {
  /** Everything app.info reports, fixed once the backend is up. */
  info: AppInfo;
  checks: ConfigCheckContext;
  options: Pick<ApiBackendOptions, 'cacheDir'>;
}

type InfoHandlers = Pick<ApiHandlers, 'app.info' | 'datasets.list' | 'presets.list' | 'config.check'>;

/** The read-only methods that do not touch runs. */
export function createInfoHandlers(deps: InfoHandlerDeps): InfoHandlers {
  return {
    'app.info': () => deps.info,
    'datasets.list': () => listDatasets(deps.checks.datasets, { cacheDir: deps.options.cacheDir }),
    'presets.list': () => listPresetInfos(),
    'config.check': ({ config }) => checkRunConfig(config, deps.checks),
  };
}
