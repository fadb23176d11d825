/** The system's colour scheme, live: charts read their colours from CSS and redraw on a change. */
import { useEffect, useState } from 'preact/hooks';

export type ColorScheme = 'light' | 'dark';

const query = (): MediaQueryList => matchMedia('(prefers-color-scheme: dark)');

export function useColorScheme(): ColorScheme {
  const [scheme, setScheme] = useState<ColorScheme>(query().matches ? 'dark' : 'light');
  useEffect(() => {
    const list = query();
    const onChange = (): void => setScheme(list.matches ? 'dark' : 'light');
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, []);
  return scheme;
}
