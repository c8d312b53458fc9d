/**
 * Turning a DM into a Valentina note: the first line is the title (3–50 characters, with an ellipsis
 * when cut), the rest the markdown content; a one-line message is both. Attachments stay as links.
 */
export const TITLE_MIN = 3;
export const TITLE_MAX = 50;
export const CONTENT_MIN = 3;

export type Composed = { ok: true; title: string; content: string } | { ok: false; reason: string };

export function composeNote(text: string, attachments: Array<{ name: string; url: string }> = [], now: Date = new Date()): Composed {
  const trimmed = text.trim();
  const [firstLine = '', ...restLines] = trimmed.split('\n');
  const rest = restLines.join('\n').trim();
  let content = rest.length >= CONTENT_MIN ? rest : trimmed;
  if (attachments.length > 0) {
    const links = attachments.map((a) => `- [${a.name.replace(/[[\]]/g, '')}](${a.url})`).join('\n');
    content = content ? `${content}\n\nAttachments:\n${links}` : `Attachments:\n${links}`;
  }
  if (content.trim().length < CONTENT_MIN) {
    return { ok: false, reason: `A note needs at least ${CONTENT_MIN} characters of text. Write a little more and send it again.` };
  }
  let title = firstLine.trim().replace(/\s+/g, ' ');
  if (title.length > TITLE_MAX) title = `${title.slice(0, TITLE_MAX - 1).trimEnd()}…`;
  if (title.length < TITLE_MIN) title = `Note of ${now.toISOString().slice(0, 10)}`;
  return { ok: true, title, content };
}
