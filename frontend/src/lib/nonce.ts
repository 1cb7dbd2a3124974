// The server's Content-Security-Policy allows only its own style sheets plus <style> elements carrying
// the per-page nonce it writes into <meta name="csp-nonce">. Dialogs lock page scrolling with such an
// element (react-remove-scroll, through get-nonce, which reads __webpack_nonce__).

/** The style nonce of this page, if the server gave one. */
export function styleNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content || undefined;
}

/** Make libraries that inject <style> elements use the page's nonce. */
export function installStyleNonce(): void {
  const nonce = styleNonce();
  if (nonce) (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;
}
