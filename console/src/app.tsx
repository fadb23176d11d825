/** The console shell: four views behind plain links (#/live, #/files, #/speech, #/fleet). */
import { useEffect, useState } from 'preact/hooks';
import { FilesView } from './files/files-view';
import { FleetView } from './fleet/fleet-view';
import { LiveView } from './live/live-view';
import { SpeechView } from './speech/speech-view';

const VIEWS = [
  { id: 'live', label: 'Live captions', render: () => <LiveView /> },
  { id: 'files', label: 'Files', render: () => <FilesView /> },
  { id: 'speech', label: 'Speech', render: () => <SpeechView /> },
  { id: 'fleet', label: 'Fleet', render: () => <FleetView /> },
] as const;

function viewFromHash(): string {
  const id = location.hash.replace(/^#\/?/, '');
  return VIEWS.some((v) => v.id === id) ? id : 'live';
}

export function App() {
  const [view, setView] = useState(viewFromHash);
  useEffect(() => {
    const onHash = (): void => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const current = VIEWS.find((v) => v.id === view) ?? VIEWS[0];
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <h1>voxfleet</h1>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <a
              href={`#/${v.id}`}
              aria-current={v.id === view ? 'page' : undefined}
              data-testid={`nav-${v.id}`}
            >
              {v.label}
            </a>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {current.render()}
      </main>
    </>
  );
}
