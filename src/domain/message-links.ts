/**
 * Finding the links of a message body, for shortening and click tracking. A link is an `http://` or
 * `https://` URL up to the next whitespace, without trailing sentence punctuation (`.`, `,`, `!`,
 * `?`, `;`, `:`, closing quotes and brackets), which readers expect to end the sentence, not the URL.
 *
 * @module
 */

/** One link found in a text: its UTF-16 offset and the URL. */
export interface FoundLink {
  index: number;
  url: string;
}

const URL_PATTERN = /https?:\/\/[^\s<>"]+/gi;
const TRAILING = /[.,!?;:'")\]}]+$/;

/** Every link of `text`, in order. Never throws. */
export function findLinks(text: string): FoundLink[] {
  const links: FoundLink[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = m[0].replace(TRAILING, '');
    if (url.length > 'https://'.length) links.push({ index: m.index, url });
  }
  return links;
}

/** `text` with each link replaced by `replace(url, i)`. */
export function replaceLinks(text: string, replace: (url: string, i: number) => string): string {
  let out = '';
  let last = 0;
  findLinks(text).forEach((link, i) => {
    out += text.slice(last, link.index) + replace(link.url, i);
    last = link.index + link.url.length;
  });
  return out + text.slice(last);
}
