// First: configures zod before the shared schemas are built (see the module).
import './app/zod-setup.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/client.js';
import { App } from './app/App.js';
import { applyTheme, storedTheme } from './app/theme.js';
import './styles.css';

// The last theme, before the first paint (settings arrive a moment later).
applyTheme(storedTheme());

const client = connect();
const root = document.getElementById('root');
if (!root) throw new Error('ReLU Lab: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
