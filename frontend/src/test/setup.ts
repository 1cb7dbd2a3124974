// What jsdom lacks and the Radix primitives use; a no-op in the "node" test environment.
if (typeof window !== "undefined") {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
  window.matchMedia ??= ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener() {},
    removeEventListener() {},
    addListener() {},
    removeListener() {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
  Element.prototype.scrollIntoView ??= function scrollIntoView() {};
  Element.prototype.hasPointerCapture ??= () => false;
  Element.prototype.setPointerCapture ??= () => undefined;
  Element.prototype.releasePointerCapture ??= () => undefined;
  globalThis.PointerEvent ??= MouseEvent as unknown as typeof PointerEvent;
  // Job event streams stay open and silent: tests answer through the polled endpoints.
  globalThis.EventSource ??= class EventSourceStub {
    static readonly CLOSED = 2;
    readonly readyState = 1;
    onmessage = null;
    onerror = null;
    constructor(readonly url: string) {}
    addEventListener() {}
    close() {}
  } as unknown as typeof EventSource;
}
