import { describe, expect, it } from "vitest";
import { sanitizeHtml } from "./sanitize-html";

describe("sanitizeHtml", () => {
  it("turns empty input into Plane's <p></p>", () => {
    expect(sanitizeHtml("")).toBe("<p></p>");
    expect(sanitizeHtml("   ")).toBe("<p></p>");
    expect(sanitizeHtml("<script>x()</script>")).toBe("<p></p>");
  });

  it("keeps ordinary markup", () => {
    const html = '<h2>Title</h2><p>A <a href="https://example.com">link</a> and <code>x</code></p><ul><li>1</li></ul>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it("drops script/style/iframe elements, event handlers and javascript: URLs", () => {
    expect(sanitizeHtml('<p onmouseover="steal()">a</p><style>p{}</style><iframe src="x"></iframe>')).toBe("<p>a</p>");
    expect(sanitizeHtml('<a href="javascript:alert(1)">x</a>')).toBe('<a href="#">x</a>');
    expect(sanitizeHtml("<p>a</p><SCRIPT type=x>bad()</SCRIPT>")).toBe("<p>a</p>");
  });
});
