/** The small HTML page a user sees in the browser at the end of `/link`. */

export type LinkPageTone = 'success' | 'pending' | 'error';

export interface LinkPage {
  status: number;
  tone: LinkPageTone;
  title: string;
  message: string;
  /** What to do next, shown under the message. */
  next?: string;
  /** Valentina's request id, shown on upstream failures. */
  requestId?: string | undefined;
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const ICONS: Record<LinkPageTone, string> = { success: '✔', pending: '⏳', error: '✖' };
const ACCENTS: Record<LinkPageTone, string> = { success: '#3ba55d', pending: '#faa61a', error: '#ed4245' };

export function renderLinkPage(page: LinkPage): string {
  const accent = ACCENTS[page.tone];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escape(page.title)} · Valentina</title>
<style>
  :root { color-scheme: dark; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #1e1f22;
         font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #dbdee1; }
  main { max-width: 30rem; margin: 1.5rem; padding: 2rem 2.25rem; background: #2b2d31; border-radius: 12px;
         border-top: 4px solid ${accent}; box-shadow: 0 8px 24px rgba(0,0,0,.35); }
  .icon { font-size: 2rem; color: ${accent}; }
  h1 { margin: .25rem 0 .75rem; font-size: 1.4rem; color: #f2f3f5; }
  p { margin: .5rem 0; }
  .next { color: #b5bac1; }
  .ref { margin-top: 1.25rem; font-size: .85rem; color: #949ba4; }
  code { background: #1e1f22; padding: .1rem .35rem; border-radius: 4px; }
</style>
</head>
<body>
<main data-tone="${page.tone}">
  <div class="icon" aria-hidden="true">${ICONS[page.tone]}</div>
  <h1>${escape(page.title)}</h1>
  <p>${escape(page.message)}</p>
  ${page.next ? `<p class="next">${escape(page.next)}</p>` : ''}
  ${page.requestId ? `<p class="ref">Reference: <code>${escape(page.requestId)}</code></p>` : ''}
</main>
</body>
</html>
`;
}
