/**
 * Entry of `incoming.html`, the fallback incoming-call window. Plain TypeScript, no Vue: it shows one
 * caller and three buttons (Answer, Decline, Busy), and talks to main only through the preload bridge's `incoming.act`.
 */
import type { RinglineApi } from '@common/contract';
import { readIncomingQuery, renderIncoming } from './page';
import '../theme.css';
import './incoming.css';

const bridge = (window as Window & { ringline?: Pick<RinglineApi, 'incoming' | 'log'> }).ringline;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`incoming.html has no #${id}`);
  return found as T;
}

renderIncoming(
  readIncomingQuery(window.location.search),
  {
    root: element('incoming-caller').parentElement ?? document.body,
    label: element('incoming-label'),
    name: element('incoming-name'),
    number: element('incoming-number'),
    answer: element<HTMLButtonElement>('incoming-answer'),
    decline: element<HTMLButtonElement>('incoming-decline'),
    busy: element<HTMLButtonElement>('incoming-busy'),
  },
  bridge === undefined ? undefined : (action) => bridge.incoming.act(action),
  (error) => {
    bridge?.log.write({
      level: 'warn',
      scope: 'incoming',
      message: `incoming.act refused: ${error instanceof Error ? error.message : String(error)}`,
    });
  },
);
