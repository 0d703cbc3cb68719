import { startFirstRead } from './host/first-read';
import './theme.css';
import './styles.css';

// The page's entry (an async module script) is small and arrives ahead of the app's start chunk
// (`boot.ts`, preloaded by the page): in a browser it starts reading the stored accounts and settings
// at once, so that the read runs while that chunk is still on its way. The desktop app reads through
// Electron main instead.
const firstRead = window.ringline ? undefined : startFirstRead();
void import('./boot').then(({ boot }) => boot(firstRead));
