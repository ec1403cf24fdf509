import { LRUCache } from "lru-cache";
import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";
import TurndownService from "turndown";

/**
 * Markdown from agents → sanitised HTML for Tasker, and Tasker HTML → markdown for agents.
 * One strict allowlist serves both directions: no script/style/iframe/img, no event
 * attributes, only http(s)/mailto links, and no raw HTML survives.
 */
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
    "strong", "b", "em", "i", "s", "del", "ul", "ol", "li", "a",
    "table", "thead", "tbody", "tr", "th", "td", "input",
  ],
  allowedAttributes: {
    a: ["href", "title"],
    code: ["class"],
    input: ["type", "checked", "disabled"],
    ol: ["start"],
    th: ["align"],
    td: ["align"],
  },
  allowedClasses: { code: [/^language-[a-z0-9+#-]+$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: ["script", "style", "textarea", "option", "noscript", "iframe", "object", "embed", "template", "svg", "math"],
  exclusiveFilter: (frame) => frame.tag === "input" && frame.attribs.type !== "checkbox",
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow" } }),
  },
};
// `rel` is added by the transform above, so allow it after the fact.
SANITIZE_OPTIONS.allowedAttributes = { ...(SANITIZE_OPTIONS.allowedAttributes as Record<string, string[]>), a: ["href", "title", "rel"] };

const marked = new Marked({ gfm: true, breaks: false, async: false });

export function sanitizeTaskerHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/** Agent markdown → HTML that Tasker stores. Raw HTML inside the markdown is sanitised away. */
export function markdownToHtml(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizeTaskerHtml(html).trim();
}

const turndown = new TurndownService({
  headingStyle: "atx",
  codeBlockStyle: "fenced",
  bulletListMarker: "-",
  emDelimiter: "_",
  hr: "---",
});
turndown.addRule("strikethrough", {
  filter: ["del", "s"],
  replacement: (content) => `~~${content}~~`,
});
turndown.addRule("checkbox", {
  filter: (node) => node.nodeName === "INPUT" && (node as unknown as { type?: string }).type === "checkbox",
  replacement: (_content, node) => ((node as unknown as { checked?: boolean }).checked ? "[x] " : "[ ] "),
});

/**
 * Conversions already made, by exact input. Agents read the same cards and comments again
 * and again (search, then get, then get after each edit), and one conversion costs two HTML
 * parses (sanitize-html, then turndown's DOM): about a millisecond of CPU for a long card,
 * the largest single item of a get_card. The function is pure, so a hit is exact. Bounded
 * by characters held (keys and values), not by count, so huge descriptions cannot pile up.
 */
const converted = new LRUCache<string, string>({
  maxSize: 4_000_000,
  sizeCalculation: (markdown, html) => markdown.length + html.length + 64,
});

/** Tasker HTML → markdown for agents (sanitised first, our attribution footer dropped). */
export function htmlToMarkdown(html: string | null | undefined): string {
  if (!html) return "";
  const hit = converted.get(html);
  if (hit !== undefined) return hit;
  const markdown = convertHtml(html);
  converted.set(html, markdown);
  return markdown;
}

function convertHtml(html: string): string {
  const clean = sanitizeTaskerHtml(stripAttribution(html));
  if (clean.trim() === "" || clean.trim() === "<p></p>") return "";
  return turndown.turndown(clean).trim();
}

// Attribution ----------------------------------------------------------------------------
export const ATTRIBUTION_MARKER = "(nodedc-tasker)";

export interface Attribution {
  agent_name: string;
  owner: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Plane's API records every card and comment as the gateway's service user, so this
 * visible line is how a human sees which agent, on whose behalf, wrote it.
 */
export function attributionHtml(who: Attribution, verb = "via"): string {
  return `<p><em>— ${verb} agent “${escapeHtml(who.agent_name)}” on behalf of ${escapeHtml(who.owner)} ${ATTRIBUTION_MARKER}</em></p>`;
}

/** Markdown body → sanitised HTML with the attribution footer appended. */
export function attributedHtml(markdown: string, who: Attribution, verb = "via"): string {
  const body = markdown.trim() === "" ? "" : markdownToHtml(markdown);
  return `${body}${body ? "\n" : ""}${attributionHtml(who, verb)}`;
}

const FOOTER_PATTERN = /<p>\s*<em>\s*—\s*(?:[a-z]+ )?via agent (?:(?!<\/p>)[\s\S])*?\(nodedc-tasker\)\s*<\/em>\s*<\/p>\s*$/u;

/** Removes our trailing attribution footer so agents see (and round-trip) only the content. */
export function stripAttribution(html: string): string {
  return html.replace(FOOTER_PATTERN, "").trimEnd();
}
