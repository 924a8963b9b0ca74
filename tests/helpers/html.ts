// Reading the worker's HTML the way a browser would, with workerd's own HTML parser (HTMLRewriter).
export type Element = { tag: string; attrs: Record<string, string>; text: string };

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

/** Every element matching a CSS selector, in document order, with decoded attributes and folded text. */
export async function select(html: string, selector: string): Promise<Element[]> {
  const found: Element[] = [];
  const open: Element[] = [];
  await new HTMLRewriter()
    .on(selector, {
      element(element) {
        const attrs: Record<string, string> = {};
        // workerd yields [name, value] pairs (the DOM lib's types, also loaded, say otherwise).
        const pairs = element.attributes as unknown as Iterable<[string, string]>;
        // Names lowercased, as a browser reads them (React writes `autoComplete`).
        for (const [name, value] of pairs) attrs[name.toLowerCase()] = decodeEntities(value);
        const entry: Element = { tag: element.tagName, attrs, text: "" };
        found.push(entry);
        if (VOID.has(element.tagName)) return;
        open.push(entry);
        element.onEndTag(() => {
          const closed = open.pop();
          const parent = open.at(-1);
          if (closed) closed.text = decodeEntities(closed.text).replace(/\s+/g, " ").trim();
          if (closed && parent) parent.text += ` ${closed.text} `;
        });
      },
      text(chunk) {
        const current = open.at(-1);
        if (current) current.text += chunk.text;
      },
    })
    .transform(new Response(html))
    .text();
  return found;
}

export async function selectOne(html: string, selector: string): Promise<Element> {
  const [first, ...rest] = await select(html, selector);
  if (!first) throw new Error(`no element matches ${selector}`);
  if (rest.length > 0) throw new Error(`${rest.length + 1} elements match ${selector}`);
  return first;
}

/** The inputs a user fills in (hidden ones, such as the CSRF token, left out), in document order. */
export async function visibleInputs(html: string, formSelector = "main form"): Promise<Element[]> {
  const inputs = await select(html, `${formSelector} input`);
  return inputs.filter((input) => input.attrs.type !== "hidden");
}

/** The label text for an input, found by its id. */
export async function labelFor(html: string, id: string): Promise<string | undefined> {
  const labels = await select(html, "label");
  return labels.find((label) => label.attrs.for === id)?.text;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&amp;/g, "&");
}

/** Every link target and form action on a page (what a user can navigate or post to). */
export async function linksAndActions(html: string): Promise<string[]> {
  const links = await select(html, "a[href]");
  const forms = await select(html, "form");
  return [...links.map((a) => a.attrs.href ?? ""), ...forms.map((form) => form.attrs.action ?? "(no action)")];
}

/**
 * True when a URL of this site is in its slashed form: the path ends with `/`, or its last
 * segment is a file (`/favicon.svg`). Other sites' URLs are not ours to judge.
 */
export function isSlashedForm(url: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith("http://localhost")) return true;
  const path = new URL(url, "http://localhost").pathname;
  const last = path.slice(path.lastIndexOf("/") + 1);
  return last === "" || last.includes(".");
}

/** The error messages a form shows, under its fields and above it (without the icon's "!"). */
export async function errorsOf(html: string): Promise<string[]> {
  return (await select(html, ".field-error, .form-error")).map((error) => error.text.replace(/^!/, ""));
}
