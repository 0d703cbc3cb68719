import type { PhoneCommand } from '@common/contract';

/**
 * Phone commands in the browser: from notification clicks, and the browser's own network events
 * (`online`/`offline`), which stand in for the desktop's power and network events.
 */
export class WebCommands {
  private readonly listeners = new Set<(command: PhoneCommand) => void>();

  constructor() {
    window.addEventListener('online', () => this.emit({ kind: 'system', event: 'online' }));
    window.addEventListener('offline', () => this.emit({ kind: 'system', event: 'offline' }));
  }

  subscribe(listener: (command: PhoneCommand) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(command: PhoneCommand): void {
    this.listeners.forEach((listener) => listener(command));
  }
}
