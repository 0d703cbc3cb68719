/// <reference types="vite/client" />

declare const __APP_VERSION__: string;

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** A UI language file with its messages parsed at build time (`precompiledMessages` in vite.web.config.ts). */
declare module '*?precompiled' {
  import type { ResourceNode } from '@intlify/message-compiler';
  interface ParsedMessages {
    readonly [key: string]: ResourceNode | ParsedMessages;
  }
  const messages: ParsedMessages;
  export default messages;
}
