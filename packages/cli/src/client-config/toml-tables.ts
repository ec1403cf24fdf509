/**
 * A table-level TOML editor: it finds the byte ranges of `[a.b…]` / `[[a.b…]]` sections
 * and swaps or removes whole sections, so every other byte, comment and table of the file
 * stays exactly as it was. It relies on the file being valid TOML (callers parse it with
 * smol-toml first) and only needs to know where strings, comments and arrays are, so that a
 * `[` inside them is not taken for a header.
 */
export interface TomlSection {
  /** Offset of the first character of the header line. */
  start: number;
  /** Offset just past the section's last owned line (before trailing blank/comment lines). */
  end: number;
  /** Offset of the next header (or the end of the file). */
  next: number;
  path: string[];
  arrayTable: boolean;
}

interface Header {
  start: number;
  path: string[];
  arrayTable: boolean;
}

function scanHeaders(text: string): Header[] {
  const headers: Header[] = [];
  const n = text.length;
  let i = 0;
  let depth = 0;
  let atLineStart = true;
  let lineStart = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === "\n") {
      i++;
      atLineStart = true;
      lineStart = i;
      continue;
    }
    if (atLineStart && depth === 0) {
      if (c === " " || c === "\t" || c === "\r") {
        i++;
        continue;
      }
      atLineStart = false;
      if (c === "[") {
        const eol = findLineEnd(text, i);
        const parsed = parseHeader(text.slice(i, eol));
        if (parsed) headers.push({ start: lineStart, ...parsed });
        i = eol;
        continue;
      }
    }
    atLineStart = false;
    if (c === "#") {
      i = indexOrEnd(text, "\n", i);
      continue;
    }
    if (c === '"' || c === "'") {
      i = skipString(text, i);
      continue;
    }
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth = Math.max(0, depth - 1);
    i++;
  }
  return headers;
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const at = text.indexOf(needle, from);
  return at === -1 ? text.length : at;
}

/** End of a header line: stops at a newline outside quoted keys. */
function findLineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== "\n") {
    if (text[i] === '"' || text[i] === "'") i = skipString(text, i);
    else i++;
  }
  return i;
}

/** Offset just past the string starting at `from` (basic, literal, or multi-line of either). */
function skipString(text: string, from: number): number {
  const q = text[from]!;
  const triple = text.startsWith(q.repeat(3), from);
  if (triple) {
    let i = from + 3;
    while (i < text.length) {
      if (q === '"' && text[i] === "\\") {
        i += 2;
        continue;
      }
      if (text.startsWith(q.repeat(3), i)) {
        i += 3;
        while (text[i] === q) i++; // up to two quotes may close the content
        return i;
      }
      i++;
    }
    return text.length;
  }
  let i = from + 1;
  while (i < text.length && text[i] !== "\n") {
    if (q === '"' && text[i] === "\\") {
      i += 2;
      continue;
    }
    if (text[i] === q) return i + 1;
    i++;
  }
  return i;
}

function parseHeader(line: string): { path: string[]; arrayTable: boolean } | null {
  const arrayTable = line.startsWith("[[");
  let i = arrayTable ? 2 : 1;
  const path: string[] = [];
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    const c = line[i];
    if (c === '"' || c === "'") {
      const end = skipString(line, i);
      const raw = line.slice(i, end);
      path.push(c === '"' ? (JSON.parse(raw.replace(/\\U([0-9a-fA-F]{8})/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))) as string) : raw.slice(1, -1));
      i = end;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(line.slice(i));
      if (!m) return null;
      path.push(m[0]);
      i += m[0].length;
    }
    while (line[i] === " " || line[i] === "\t") i++;
    if (line[i] === ".") {
      i++;
      continue;
    }
    if (line[i] === "]") return { path, arrayTable };
    return null;
  }
  return null;
}

/** Every section of the file, in order. */
export function listSections(text: string): TomlSection[] {
  const headers = scanHeaders(text);
  return headers.map((header, index) => {
    const next = index + 1 < headers.length ? headers[index + 1]!.start : text.length;
    return { ...header, end: trimTrailingTrivia(text, header.start, next), next };
  });
}

/**
 * Moves a section's end back over trailing blank and comment-only lines: those usually
 * introduce the next table ("# my other server"), so they are not ours to remove.
 */
function trimTrailingTrivia(text: string, start: number, next: number): number {
  const headerEnd = indexOrEnd(text, "\n", start) + 1;
  let end = next;
  while (end > headerEnd) {
    const prevBreak = text.lastIndexOf("\n", end - 2);
    const lineStartAt = prevBreak + 1;
    if (lineStartAt < headerEnd) break;
    const line = text.slice(lineStartAt, end).trim();
    if (line === "" || line.startsWith("#")) end = lineStartAt;
    else break;
  }
  return Math.min(end, next);
}

function startsWithPath(path: string[], prefix: string[]): boolean {
  return prefix.every((part, i) => path[i] === part);
}

/** Sections whose path is `prefix` or below it. */
export function sectionsUnder(text: string, prefix: string[]): TomlSection[] {
  return listSections(text).filter((s) => startsWithPath(s.path, prefix));
}

/**
 * Replaces every section at or below `prefix` by `block` (placed where the first one was),
 * or appends `block` after one blank line when there is none.
 */
export function upsertSections(text: string, prefix: string[], block: string): string {
  const ours = sectionsUnder(text, prefix);
  if (ours.length === 0) {
    if (text.length === 0) return block;
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    let out = text;
    if (!out.endsWith("\n")) out += eol;
    if (!out.endsWith(`${eol}${eol}`) && out.trim().length > 0) out += eol;
    return out + block;
  }
  let out = "";
  let cursor = 0;
  ours.forEach((section, index) => {
    out += text.slice(cursor, section.start);
    if (index === 0) out += block;
    cursor = section.end;
  });
  return out + text.slice(cursor);
}

/** Removes every section at or below `prefix`, and the blank line `upsertSections` added before an appended block. */
export function removeSections(text: string, prefix: string[]): string {
  const ours = sectionsUnder(text, prefix);
  if (ours.length === 0) return text;
  let out = "";
  let cursor = 0;
  for (const section of ours) {
    out += text.slice(cursor, section.start);
    cursor = section.end;
  }
  const rest = text.slice(cursor);
  if (rest.trim() === "") {
    // We were last: drop the separating blank line appended with us.
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    if (out.endsWith(`${eol}${eol}`)) out = out.slice(0, -eol.length);
    return out + rest.replace(/^(\r?\n)+/, "");
  }
  return out + rest;
}
