import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { preloadPlotlyAfterFirstScreen } from './charts/plotly-preload';
import { pickClient } from './client/pick-client';
import { applyTheme, initialTheme } from './common/theme';
import { NoTokenScreen } from './shell/NoTokenScreen';
import './styles/app.css';

applyTheme(initialTheme());
const choice = pickClient();
const client = choice.kind === 'ready' ? preloadPlotlyAfterFirstScreen(choice.client) : null;
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(<StrictMode>{client ? <App client={client} /> : <NoTokenScreen />}</StrictMode>);
}
