import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';

export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'workbench.theme';

/** The saved choice, else the system's preference. */
export function initialTheme(): Theme {
  try {
    const saved = window.localStorage.getItem(THEME_STORAGE_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // Storage disabled: fall back to the system preference.
  }
  const query =
    typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  return query?.matches ? 'dark' : 'light';
}

/** Colours come from CSS variables keyed on this attribute; set before the first render to avoid a flash. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

interface ThemeState {
  theme: Theme;
  toggle: () => void;
}

const ThemeContext = createContext<ThemeState>({ theme: 'light', toggle: () => {} });

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  // Only an explicit choice is saved: until then the app follows the system setting.
  const [chosen, setChosen] = useState(false);
  useEffect(() => {
    applyTheme(theme);
    if (!chosen) return;
    try {
      window.localStorage.setItem(THEME_STORAGE_KEY, theme);
    } catch {
      // Not persisted; the toggle still works for this session.
    }
  }, [theme, chosen]);
  const toggle = useCallback(() => {
    setChosen(true);
    setTheme((current) => (current === 'dark' ? 'light' : 'dark'));
  }, []);
  return <ThemeContext.Provider value={{ theme, toggle }}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeState {
  return useContext(ThemeContext);
}
