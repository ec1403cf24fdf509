import { nodeHash, splitPoint, type StoredNode } from "./merkle";

/** A range of leaves [start, start + size) whose subtree hash a proof needs. */
export interface LeafRange {
  start: number;
  size: number;
}

/**
 * RFC 6962 §2.1.1 PATH(m, D[n]) as the ranges whose hashes form the audit path, bottom
 * up. Each range starts at a multiple of its largest power-of-two part, so it splits into
 * perfect subtrees that the sealer stored.
 */
export function inclusionRanges(leafIndex: number, treeSize: number): LeafRange[] {
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) throw new RangeError(`leaf ${leafIndex} is outside a tree of ${treeSize}`);
  const path: LeafRange[] = [];
  let start = 0;
  let size = treeSize;
  let m = leafIndex;
  while (size > 1) {
    const k = splitPoint(size);
    if (m < k) {
      path.push({ start: start + k, size: size - k });
      size = k;
    } else {
      path.push({ start, size: k });
      start += k;
      size -= k;
      m -= k;
    }
  }
  return path.reverse();
}

/** The perfect subtrees (level, index) that make up a range, left to right. */
export function perfectParts(range: LeafRange): { level: number; index: number }[] {
  const parts: { level: number; index: number }[] = [];
  let { start, size } = range;
  while (size > 0) {
    const k = size === 1 ? 1 : isPowerOfTwo(size) ? size : splitPoint(size);
    const level = Math.log2(k);
    parts.push({ level, index: start / k });
    start += k;
    size -= k;
  }
  return parts;
}

/** Folds a range's perfect parts from the right, as MTH does. */
export function rangeHash(range: LeafRange, lookup: (level: number, index: number) => Buffer): Buffer {
  const parts = perfectParts(range).map((p) => lookup(p.level, p.index));
  let acc = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) acc = nodeHash(parts[i]!, acc);
  return acc;
}

/** Builds PATH(m, D[n]) from stored perfect-subtree hashes. */
export function inclusionProof(leafIndex: number, treeSize: number, nodes: readonly StoredNode[]): Buffer[] {
  const byKey = new Map(nodes.map((n) => [`${n.level}:${n.index}`, n.hash]));
  const lookup = (level: number, index: number) => {
    const hash = byKey.get(`${level}:${index}`);
    if (!hash) throw new Error(`tree node ${level}:${index} is missing`);
    return hash;
  };
  return inclusionRanges(leafIndex, treeSize).map((r) => rangeHash(r, lookup));
}

/** The stored nodes a proof needs (to fetch them in one query). */
export function nodesForProof(leafIndex: number, treeSize: number): { level: number; index: number }[] {
  return inclusionRanges(leafIndex, treeSize).flatMap(perfectParts);
}

/**
 * RFC 9162 §2.1.3.2: recomputes the root from a leaf hash and its audit path; true when it
 * equals `root`. What an auditor runs on a proof from the API.
 */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(Buffer.from(root));
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
