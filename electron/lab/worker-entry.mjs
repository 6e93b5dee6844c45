// Worker threads start from this plain-JS file, which loads the TypeScript worker through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
