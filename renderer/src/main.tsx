import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { pickClient } from './client/pick-client';
import { applyTheme, initialTheme } from './common/theme';
import { NoTokenScreen } from './shell/NoTokenScreen';
import './styles/app.css';

applyTheme(initialTheme());
const choice = pickClient();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>{choice.kind === 'ready' ? <App client={choice.client} /> : <NoTokenScreen />}</StrictMode>,
  );
}
