import { describe, expect, it } from "vitest";
import { EMPTY_ROOT, Frontier, leafHash, rootOfLeafHashes, type StoredNode } from "./merkle";
import { inclusionProof, nodesForProof, verifyInclusion } from "./merkle-proof";

/** The RFC 6962 test vectors used by the Certificate Transparency implementations. */
const INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => Buffer.from(h, "hex"));
const ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
/** (0-based leaf, tree size) → audit path, from the same vectors. */
const PATHS: [number, number, string[]][] = [
  [0, 1, []],
  [0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]],
  [5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]],
  [2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]],
];

const leaves = INPUTS.map(leafHash);

/** Every node a Frontier reports as completed, plus the leaves as level 0. */
function storedNodesOf(hashes: Buffer[]): StoredNode[] {
  const frontier = Frontier.empty();
  const nodes: StoredNode[] = hashes.map((hash, index) => ({ level: 0, index, hash }));
  for (const h of hashes) nodes.push(...frontier.append(h));
  return nodes;
}

describe("RFC 6962 tree hashing", () => {
  it("hashes the empty tree as SHA-256 of nothing", () => {
    expect(EMPTY_ROOT.toString("hex")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(Frontier.empty().root().equals(EMPTY_ROOT)).toBe(true);
  });

  it("matches the published roots for 1…8 leaves, recursively and incrementally", () => {
    const frontier = Frontier.empty();
    leaves.forEach((leaf, i) => {
      frontier.append(leaf);
      expect(rootOfLeafHashes(leaves.slice(0, i + 1)).toString("hex")).toBe(ROOTS[i]);
      expect(frontier.root().toString("hex")).toBe(ROOTS[i]);
    });
  });

  it("restores a frontier from its subtree roots and keeps appending to the same roots", () => {
    const first = Frontier.empty();
    for (const leaf of leaves.slice(0, 5)) first.append(leaf);
    const restored = Frontier.of(first.treeSize, first.subtreeRoots);
    for (const leaf of leaves.slice(5)) restored.append(leaf);
    expect(restored.root().toString("hex")).toBe(ROOTS[7]);
    expect(() => Frontier.of(5, first.subtreeRoots.slice(1))).toThrow(/needs 2 roots/);
  });

  it("builds the published audit paths from the stored nodes, and they verify", () => {
    const nodes = storedNodesOf(leaves);
    for (const [m, n, expected] of PATHS) {
      const proof = inclusionProof(m, n, nodes);
      expect(proof.map((p) => p.toString("hex"))).toEqual(expected);
      expect(verifyInclusion(m, n, leaves[m]!, proof, Buffer.from(ROOTS[n - 1]!, "hex"))).toBe(true);
    }
  });

  it("proves every leaf of every tree up to 40 leaves against the reference root, and rejects a wrong leaf or root", () => {
    const many = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
    const nodes = storedNodesOf(many);
    for (let n = 1; n <= many.length; n++) {
      const root = rootOfLeafHashes(many.slice(0, n));
      for (let m = 0; m < n; m++) {
        const needed = nodesForProof(m, n);
        const proof = inclusionProof(m, n, nodes.filter((x) => needed.some((k) => k.level === x.level && k.index === x.index)));
        expect(verifyInclusion(m, n, many[m]!, proof, root)).toBe(true);
        expect(verifyInclusion(m, n, many[(m + 1) % n]!, proof, root)).toBe(n === 1);
      }
      expect(verifyInclusion(0, n, many[0]!, inclusionProof(0, n, nodes), leafHash(Buffer.from("other")))).toBe(false);
    }
  });
});
