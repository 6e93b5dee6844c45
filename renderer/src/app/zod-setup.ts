/**
 * Imported first by main.tsx, before any schema is built: the shared schema validates in the page
 * too, and zod's JIT would probe `new Function` (when a schema is constructed), which the page's
 * Content-Security-Policy forbids (no 'unsafe-eval'). jitless uses zod's interpreter instead.
 */
import { config } from 'zod';

config({ jitless: true });
