import { describe, expect, it } from 'vitest';
import { defaultDbPath } from './default-db-path';

describe('defaultDbPath', () => {
  it('prefers WORKBENCH_DB on every platform', () => {
    expect(defaultDbPath({ WORKBENCH_DB: '/data/wb.db', XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe(
      '/data/wb.db',
    );
    expect(defaultDbPath({ WORKBENCH_DB: 'C:\\wb.db' }, 'win32', 'C:\\Users\\u')).toBe('C:\\wb.db');
  });

  it('ignores an empty WORKBENCH_DB', () => {
    expect(defaultDbPath({ WORKBENCH_DB: '' }, 'linux', '/home/u')).toBe(
      '/home/u/.config/Experiment Workbench/workbench.db',
    );
  });

  it('uses XDG_CONFIG_HOME or ~/.config on Linux', () => {
    expect(defaultDbPath({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/u')).toBe(
      '/cfg/Experiment Workbench/workbench.db',
    );
    expect(defaultDbPath({}, 'linux', '/home/u')).toBe('/home/u/.config/Experiment Workbench/workbench.db');
  });

  it('uses ~/Library/Application Support on macOS', () => {
    expect(defaultDbPath({ XDG_CONFIG_HOME: '/ignored' }, 'darwin', '/Users/u')).toBe(
      '/Users/u/Library/Application Support/Experiment Workbench/workbench.db',
    );
  });

  it('uses %APPDATA% on Windows, with backslashes', () => {
    expect(defaultDbPath({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Experiment Workbench\\workbench.db',
    );
    expect(defaultDbPath({}, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Experiment Workbench\\workbench.db',
    );
  });
});
