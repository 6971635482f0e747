// The editor and the CLI's fork turn stored configs into input the same way.
export { toInputConfig } from '../../../common/config/input-config';
