import { promises as fs } from "node:fs";
import { profilesPath, readProfile } from "../config/profiles";
import type { Deps } from "../factory";
import { resolveProfileToken, type ProfileContext } from "../config/profile-context";
import { resolveToken, type ResolvedToken } from "../token-store/token-store";

/**
 * The token a long-running `mcp` process sends, following rotations: its own, and those of
 * other processes of the same profile (another Codex window). Before a request it looks at
 * profiles.json (a stat, at most every CHECK_INTERVAL_MS); when the profile names another
 * token, that token is read from the storage and used from the profile's `use_from` on —
 * until then the old one, which the gateway accepts until the new one is first used.
 */
const CHECK_INTERVAL_MS = 250;

interface Pending {
  token: string;
  tokenId: string;
  useFrom: number;
}

export class LiveToken {
  private token: string | null = null;
  private tokenIdValue: string | null = null;
  private sourceValue: ResolvedToken["source"] | null = null;
  private pending: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checkedAt = 0;
  private profileMtimeMs = 0;
  private first: Promise<ResolvedToken | null> | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly ctx: ProfileContext,
    private readonly log: (line: string) => void,
  ) {}

  get tokenId(): string | null {
    return this.tokenIdValue;
  }

  get source(): ResolvedToken["source"] | null {
    return this.sourceValue;
  }

  /** The first call resolves the stored token (env → keychain → file); null when none. */
  async current(): Promise<ResolvedToken | null> {
    if (this.token === null) {
      // concurrent first calls share one read of the keychain; a failed one is tried again next time
      this.first ??= this.resolveFirst().finally(() => (this.first = null));
      return this.first;
    }
    if (this.sourceValue !== "env" && this.deps.now().getTime() - this.checkedAt >= CHECK_INTERVAL_MS) await this.checkProfile();
    this.switchIfDue();
    return { token: this.token, source: this.sourceValue!, notes: [] };
  }

  private async resolveFirst(): Promise<ResolvedToken | null> {
    const mtime = await this.profileMtime();
    const resolved = await resolveProfileToken(this.deps, this.ctx);
    if (!resolved) return null;
    this.token = resolved.token;
    this.sourceValue = resolved.source;
    this.tokenIdValue = this.ctx.profile?.token.id ?? null;
    this.profileMtimeMs = mtime;
    this.checkedAt = this.deps.now().getTime();
    return resolved;
  }

  /** This process rotated: use the new token from `useFrom` on, like every other process. */
  adopt(token: string, tokenId: string, useFrom: Date): void {
    this.schedule({ token, tokenId, useFrom: useFrom.getTime() });
  }

  /** Stops the switch timer (shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async profileMtime(): Promise<number> {
    try {
      return (await fs.stat(profilesPath(this.deps.configDir))).mtimeMs;
    } catch {
      return 0;
    }
  }

  private async checkProfile(): Promise<void> {
    this.checkedAt = this.deps.now().getTime();
    const mtime = await this.profileMtime();
    if (mtime === this.profileMtimeMs) return;
    const profile = await readProfile(this.deps.configDir, this.ctx.name).catch(() => null);
    if (!profile || !this.ctx.account) return;
    const known = this.pending?.tokenId ?? this.tokenIdValue;
    if (profile.token.id !== known) {
      const stored = await resolveToken(this.deps.tokenStore(), this.ctx.account).catch(() => null);
      // the storage may not hold it yet (another process is between its writes): look again next time
      if (!stored || stored.source === "env" || stored.token.slice(-4) !== profile.token.last4) return;
      this.ctx.profile = profile;
      this.log(`another nodedc-tasker process rotated the agent token; picking up ndca_…${profile.token.last4}`);
      this.schedule({ token: stored.token, tokenId: profile.token.id, useFrom: Date.parse(profile.token.use_from ?? "") || 0 });
    }
    this.profileMtimeMs = mtime;
  }

  private schedule(pending: Pending): void {
    this.pending = pending;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.switchIfDue(), Math.max(0, pending.useFrom - this.deps.now().getTime()));
    this.timer.unref();
    this.switchIfDue();
  }

  private switchIfDue(): void {
    if (!this.pending || this.deps.now().getTime() < this.pending.useFrom) return;
    const previous = this.token;
    this.token = this.pending.token;
    this.tokenIdValue = this.pending.tokenId;
    this.pending = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.log(`now using the rotated agent token ndca_…${this.token.slice(-4)}${previous ? ` (the gateway retires ndca_…${previous.slice(-4)} when it sees the new one)` : ""}`);
  }
}
