/**
 * The slice of the browser's globals that the browser tests' page functions use. Those functions
 * run inside Chromium, but they are type-checked with the Node tests, whose tsconfig has no DOM
 * lib (adding it would change Node's globals for every file): they reach the page through
 * `globalThis as unknown as PageScope`. Types only; nothing here runs in the page.
 */
export interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}

export interface PageAudio extends PageElement {
  readonly paused: boolean;
  readonly currentTime: number;
  pause(): void;
}

export interface StableObservation {
  readonly utterance: number;
  readonly stable: string;
}

export interface PageScope {
  readonly document: Pick<PageElement, 'querySelector' | 'querySelectorAll'>;
  readonly performance: { now(): number };
  readonly MutationObserver: new (onChange: () => void) => {
    observe(target: PageElement, options: Readonly<Record<string, boolean>>): void;
  };
  readonly DataTransfer: new () => { readonly items: { add(file: File): void } };
  /** Written by the caption watcher. */
  stableLog: StableObservation[];
  firstCaptionMs?: number;
}
