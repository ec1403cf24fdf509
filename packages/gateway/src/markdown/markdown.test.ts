import { describe, expect, it } from "vitest";
import { attributedHtml, htmlToMarkdown, markdownToHtml, sanitizeTaskerHtml } from "./markdown";

describe("markdown → Tasker HTML", () => {
  it("renders common markdown", () => {
    const html = markdownToHtml("# Title\n\nSome **bold** and _em_ and `code`.\n\n- a\n- b\n\n[link](https://example.com)");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<li>a</li>");
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>');
  });

  it("drops scripts, styles, iframes, event handlers and javascript: URLs", () => {
    const html = markdownToHtml(
      '<script>alert(1)</script><style>p{}</style><iframe src="https://x"></iframe><img src=x onerror=alert(1)>\n\n<p onclick="x()">hi</p>\n\n[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) <a href="data:text/html,x">d</a>',
    );
    expect(html).not.toMatch(/script|style|iframe|onerror|onclick|javascript|data:|<img/i);
    expect(html).toContain("hi");
  });

  it.each([
    "[a](jav&#x09;ascript:alert(1))",
    "[a](java\tscript:alert(1))",
    '<a href="&#106;avascript:alert(1)">a</a>',
    '<a href=" javascript:alert(1)">a</a>',
    "<javascript:alert(1)>",
    '<svg onload="alert(1)"><script>x</script></svg>',
    '<img src="https://tracker.example/p.gif">',
    '<a href="vbscript:msgbox(1)">a</a>',
    "[a](//evil.example/x)",
  ])("neutralises %j", (md) => {
    const html = markdownToHtml(md);
    expect(html).not.toMatch(/href="[^"]*(script|data):|onload=|<script|<svg|<img|href="\/\//i);
  });

  it("keeps code blocks with their language", () => {
    const html = markdownToHtml("```ts\nconst a = 1 < 2;\n```");
    expect(html).toContain('<code class="language-ts">');
    expect(html).toContain("1 &lt; 2");
  });

  it("adds a visible attribution footer with the agent and owner escaped", () => {
    const html = attributedHtml("Body", { agent_name: 'Anna\'s <b>"Codex"</b>', owner: "anna@example.com" });
    expect(html).toContain("on behalf of anna@example.com (nodedc-tasker)");
    expect(html).toContain("&lt;b&gt;");
    expect(html).not.toContain("<b>");
  });
});

describe("Tasker HTML → markdown", () => {
  it("converts and strips dangerous parts", () => {
    const md = htmlToMarkdown('<h2>Plan</h2><p>Do <strong>it</strong></p><ul><li>one</li></ul><script>evil()</script><p><a href="javascript:x">bad</a></p>');
    expect(md).toContain("## Plan");
    expect(md).toContain("**it**");
    expect(md).toContain("-   one");
    expect(md).not.toMatch(/evil|javascript/);
  });

  it("round-trips without our attribution footer", () => {
    const html = attributedHtml("Hello **world**", { agent_name: "Bot", owner: "o@example.com" });
    expect(htmlToMarkdown(html)).toBe("Hello **world**");
  });

  it("maps empty descriptions to an empty string", () => {
    expect(htmlToMarkdown("<p></p>")).toBe("");
    expect(htmlToMarkdown(null)).toBe("");
  });

  it("sanitiser keeps tables and checkboxes", () => {
    expect(sanitizeTaskerHtml('<table><tr><td onclick="x">a</td></tr></table>')).toBe("<table><tr><td>a</td></tr></table>");
  });
});

describe("htmlToMarkdown's memo of conversions", () => {
  it("answers a repeated input with the same markdown, and still converts every distinct input", () => {
    const html = `<p>memo <strong>check</strong> ${Math.random()}</p><script>alert(1)</script>`;
    const first = htmlToMarkdown(html);
    expect(first).toMatch(/^memo \*\*check\*\* 0\.\d+$/);
    expect(htmlToMarkdown(html)).toBe(first);
    expect(htmlToMarkdown(html.replace("check", "other"))).toMatch(/^memo \*\*other\*\*/);
  });
});
