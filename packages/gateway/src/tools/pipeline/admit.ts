import type { AgentContext } from "../../auth/agent-context";
import { confirmAuthentication, type PendingAuthentication } from "../../auth/auth-epoch";
import { HttpError } from "../../http/http-error";
import { rateLimitHeaders, type RateLimitDecision } from "../../rate-limit/rate-limiter";
import type { ToolDeps } from "../tool-definition";
import { Denial } from "./denial";

const RATE_WINDOW_S = 60;

export interface Admission {
  /** The caller, with its authentication confirmed as current (auth/auth-epoch.ts). */
  agent: AgentContext;
  /** RateLimit headers of the tighter bucket: every answer of this call carries them. */
  limitHeaders: Record<string, string>;
  /** Set when a bucket is full (the pipeline throws it, so it is audited like any denial). */
  refusal: Denial | null;
}

/**
 * Step 2, admit: counts the call on the per-token and per-owner buckets in ONE statement
 * that also reads the auth epoch, then confirms the authentication against that epoch.
 * First, so every later decision stands on authentication confirmed as current.
 */
export async function admit(deps: ToolDeps, authentication: PendingAuthentication): Promise<Admission> {
  const { agent: cached } = authentication;
  const { decisions, authEpoch } = await deps.rateLimiter.consumeAll(
    [
      { key: `tools:token:${cached.token.id}`, limit: deps.settings.agentRateLimitPerMin },
      { key: `tools:owner:${cached.owner.user_id}`, limit: deps.settings.ownerRateLimitPerMin },
    ],
    RATE_WINDOW_S,
  );
  const agent = await confirmAuthentication(authentication, authEpoch);
  const [perToken, perOwner] = decisions as [RateLimitDecision, RateLimitDecision];
  const refused = !perToken.allowed ? perToken : !perOwner.allowed ? perOwner : undefined;
  const limitHeaders = rateLimitHeaders(refused ?? (perOwner.remaining < perToken.remaining ? perOwner : perToken));
  if (!refused) return { agent, limitHeaders, refusal: null };
  const bucket = refused === perToken ? "token" : "owner";
  const error = HttpError.rateLimited(refused.reset_s, { limit: refused.limit, window_s: RATE_WINDOW_S, bucket }).withHeaders(limitHeaders);
  return { agent, limitHeaders, refusal: new Denial(error, { bucket }) };
}
