/**
 * The fuzzer's request generator: every route of the OpenAPI registry (ROUTE_DOCS) and
 * every tool of the registry, with bodies, path parameters, query strings, headers and
 * credentials drawn from fuzz-values.ts. Mostly well-formed enough to reach the handlers.
 */
import fc from "fast-check";
import { IDEMPOTENCY_KEY_PATTERN } from "@nodedc/shared";
import { ROUTE_DOCS, type RouteDoc } from "../../../packages/gateway/src/openapi/route-docs";
import { TOOLS } from "../../../packages/gateway/src/tools/registry";
import { describeTool, jsonSchemaOf } from "../../../packages/gateway/src/tools/tool-descriptor";
import { fromSchema, nastyString, wrongType, type Pools } from "./fuzz-values";

export type AuthKind =
  | "owner"
  | "otherOwner"
  | "admin"
  | "service"
  | "fuzzedJwt"
  | "agent"
  | "agentReadOnly"
  | "unknownToken"
  | "garbage"
  | "none";

export interface JwtClaimsFuzz {
  sub: unknown;
  email: unknown;
  role: unknown;
  extra: Record<string, unknown>;
}

export interface FuzzRequest {
  /** Route template or `tool:<name>`: the unit of the coverage figures. */
  target: string;
  method: string;
  path: string;
  query: string;
  headers: [string, string][];
  auth: AuthKind;
  jwtClaims: JwtClaimsFuzz | null;
  garbageCredential: string;
  body: { json: unknown } | { raw: string } | null;
}

type Json = Record<string, unknown>;

const jsonSchema = (schema: RouteDoc["body"]): Json | undefined => (schema ? (jsonSchemaOf(schema, "input") as Json) : undefined);

/** Percent-encodes anything, lone surrogates included (encodeURIComponent throws on them). */
export function encodeAny(value: string): string {
  return Array.from(value)
    .map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        return "%ED%A0%80";
      }
    })
    .join("");
}

const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).filter((n) => n !== 0x7f).map((n) => String.fromCharCode(n)),
  maxLength: 80,
});

export const REUSED_KEYS = Array.from({ length: 12 }, (_, i) => `fuzz-reused-key-${String(i).padStart(2, "0")}`);

const idempotencyKey = fc.oneof(
  { weight: 6, arbitrary: fc.uuid().map((u) => `fuzz-${u}`) },
  { weight: 3, arbitrary: fc.constantFrom(...REUSED_KEYS) },
  { weight: 1, arbitrary: fc.stringMatching(IDEMPOTENCY_KEY_PATTERN, { size: "small" }) },
  { weight: 1, arbitrary: headerText },
  { weight: 1, arbitrary: fc.constantFrom("", "short", "x".repeat(129), "key with spaces", "ключ-ключ-ключ") },
);

const contentTypes = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/merge-patch+json",
  "",
);

const oddHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.oneof(
    fc.tuple(fc.constant("X-Request-Id"), fc.oneof(headerText, fc.constantFrom("trace-12345678", "x".repeat(300)))),
    fc.tuple(fc.constant("X-Forwarded-For"), fc.oneof(headerText, fc.constantFrom("1.2.3.4, 5.6.7.8", "::1", "999.999.999.999", ", , ,"))),
    fc.tuple(fc.constant("Accept"), fc.constantFrom("*/*", "text/html", "application/xml", "")),
    fc.tuple(fc.constant("Accept-Encoding"), fc.constantFrom("gzip", "br", "identity;q=0", "*")),
    fc.tuple(fc.constant("Content-Encoding"), fc.constantFrom("gzip", "deflate", "br", "x-unknown")),
    fc.tuple(fc.constant("Origin"), fc.constantFrom("https://evil.example", "null")),
    fc.tuple(fc.constant("Cookie"), headerText),
    fc.tuple(fc.constant("X-Http-Method-Override"), fc.constantFrom("DELETE", "PUT", "GET")),
    fc.tuple(headerText.filter((h) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h)), headerText),
  ),
  { maxLength: 3 },
);

const rawBodies = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    '{"display_name": "x",',
    "null",
    "[]",
    '"text"',
    "1e999999",
    "\uFEFF{}",
    '{"a":1,"a":2}',
    '{"__proto__":{"admin":true}}',
    '{"arguments":{"constructor":{"prototype":{"x":1}}}}',
    "[".repeat(5000) + "]".repeat(5000),
    '{"arguments":' + "[".repeat(3000) + "]".repeat(3000) + "}",
    '{"s":"\\ud800"}',
    '{"s":"\\u0000"}',
  ),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
);

const paramSources: Record<string, (pools: Pools) => fc.Arbitrary<string>> = {
  name: () => fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOOLS.map((t) => t.name)) }, { weight: 2, arbitrary: nastyString }, { weight: 1, arbitrary: fc.constantFrom("WHOAMI", "whoami/", "..%2fwhoami", "delete_card") }),
};

function paramArb(name: string, pools: Pools): fc.Arbitrary<string> {
  const special = paramSources[name];
  if (special) return special(pools);
  const pooled = pools.byField[name];
  const known = fc.constant(null).chain(() => fc.constantFrom(...((pooled?.() ?? []).length ? (pooled!() as string[]) : ["00000000-0000-4000-8000-000000000000"])));
  return fc.oneof({ weight: 8, arbitrary: known }, { weight: 1, arbitrary: fc.uuid() }, { weight: 2, arbitrary: nastyString });
}

function pathArb(template: string, pools: Pools): fc.Arbitrary<string> {
  const names = [...template.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
  if (names.length === 0) return fc.constant(template);
  return fc.tuple(...names.map((n) => paramArb(n, pools))).map((values) => {
    let i = 0;
    // path segments stay under Node's 16 KiB header limit (huge values go in bodies)
    return template.replace(/:([a-z_]+)/g, () => encodeAny(values[i++]!.slice(0, 600)));
  });
}

function queryArb(doc: RouteDoc | undefined, pools: Pools): fc.Arbitrary<string> {
  const schema = jsonSchema(doc?.query);
  const fromDoc = schema
    ? (fromSchema(schema, pools) as fc.Arbitrary<unknown>).map((v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, typeof x === "string" ? x : JSON.stringify(x) ?? ""] as [string, string]) : [],
      )
    : fc.constant([] as [string, string][]);
  const odd = fc.array(fc.tuple(fc.oneof(fc.constantFrom("limit", "cursor", "since", "action", "agent_id", "project_id", "colour", "", "a[b]", "__proto__"), fc.string({ maxLength: 8 })), nastyString), { maxLength: 3 });
  return fc.tuple(fromDoc, fc.oneof({ weight: 3, arbitrary: fc.constant([] as [string, string][]) }, { weight: 1, arbitrary: odd })).map(([a, b]) => {
    const pairs = [...a, ...b];
    // the URL stays under Node's 16 KiB header limit (431 before the app sees it)
    return pairs.length ? `?${pairs.map(([k, v]) => `${encodeAny(k.slice(0, 200))}=${encodeAny(v.slice(0, 400))}`).join("&")}` : "";
  });
}

function authArb(expected: RouteDoc["auth"]): fc.Arbitrary<AuthKind> {
  const right: fc.Arbitrary<AuthKind> =
    expected === "launcher_jwt"
      ? fc.constantFrom<AuthKind>("owner", "owner", "owner", "admin", "service", "otherOwner", "fuzzedJwt")
      : expected === "agent_token"
        ? fc.constantFrom<AuthKind>("agent", "agent", "agent", "agentReadOnly")
        : fc.constant<AuthKind>("none");
  const wrong = fc.constantFrom<AuthKind>("owner", "admin", "fuzzedJwt", "agent", "unknownToken", "garbage", "none");
  return fc.oneof({ weight: 7, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

/** Claims stay small enough for a header (Node refuses > 16 KiB with 431 before the app). */
const claimValue = (a: fc.Arbitrary<unknown>) => a.map((v) => (typeof v === "string" ? v.slice(0, 2000) : v));
const jwtClaims: fc.Arbitrary<JwtClaimsFuzz> = fc.record({
  sub: claimValue(fc.oneof(fc.constantFrom("user-demo.owner@nodedc.local", "test-admin", "a".repeat(128), "a".repeat(129)), nastyString, wrongType)),
  email: claimValue(fc.oneof(fc.constantFrom("demo.owner@nodedc.local", "DEMO.OWNER@NODEDC.LOCAL", "guest@nodedc.local", "nobody@example.test", undefined), nastyString, wrongType)),
  role: fc.oneof(fc.constantFrom("user", "platform_admin", "service", "root", ""), wrongType),
  extra: fc.dictionary(fc.constantFrom("nbf", "jti", "scope", "owner_user_id", "aud2"), wrongType, { maxKeys: 2 }),
});

function bodyArb(doc: { body?: RouteDoc["body"] } | undefined, schema: Json | undefined, pools: Pools): fc.Arbitrary<FuzzRequest["body"]> {
  const s = schema ?? jsonSchema(doc?.body);
  const json = s ? fromSchema(s, pools) : fc.oneof(fc.constant({}), wrongType);
  const wellFormed = s ? fromSchema(s, pools, "", 0, true) : fc.constant({});
  return fc.oneof(
    { weight: 5, arbitrary: wellFormed.map((v) => ({ json: v })) },
    { weight: 5, arbitrary: json.map((v) => ({ json: v })) },
    { weight: 1, arbitrary: rawBodies.map((raw) => ({ raw })) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
}

function toolBodySchema(inputSchema: Json): Json {
  return { type: "object", properties: { arguments: inputSchema }, required: ["arguments"], additionalProperties: false };
}

export function requestArbitrary(pools: Pools): fc.Arbitrary<FuzzRequest> {
  const routes = ROUTE_DOCS.map((doc) => ({ weight: 2, arbitrary: routeRequest(doc, pools) }));
  const tools = TOOLS.map((tool) => ({ weight: 5, arbitrary: toolRequest(tool.name, describeTool(tool).input_schema as Json, tool.scope !== "any" && tool.name !== "list_projects" && isWrite(tool.name), pools) }));
  const junk = {
    weight: 1,
    arbitrary: fc.record({
      target: fc.constant("junk"),
      method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
      path: fc.oneof(fc.constantFrom("/", "/api", "/api/v1", "/api/v1/", "/api/v1/tools/", "/api/v1/agents//grants", "/api/v1/%2e%2e/healthz", "/console", "/.env"), nastyString.map((s) => `/api/v1/${encodeAny(s.slice(0, 1000))}`)),
      query: fc.constant(""),
      headers: oddHeaders,
      auth: authArb("none"),
      jwtClaims: fc.option(jwtClaims, { nil: null }),
      garbageCredential: headerText,
      body: fc.option(rawBodies.map((raw) => ({ raw })), { nil: null }),
    }),
  };
  return fc.oneof(...routes, ...tools, junk);
}

const WRITE_TOOLS = new Set(["create_card", "update_card", "add_comment", "report_session"]);
const isWrite = (name: string) => WRITE_TOOLS.has(name);

function routeRequest(doc: RouteDoc, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const method = doc.method.toUpperCase();
  const hasBody = method !== "GET" && method !== "DELETE";
  return fc.record({
    target: fc.constant(`${method} ${doc.path}`),
    method: fc.oneof({ weight: 20, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE") }),
    path: pathArb(doc.path, pools),
    query: queryArb(doc, pools),
    headers: fc.tuple(oddHeaders, fc.option(contentTypes, { nil: undefined })).map(([h, ct]) => (ct === undefined ? h : [...h, ["Content-Type", ct] as [string, string]])),
    auth: authArb(doc.auth),
    jwtClaims: jwtClaims,
    garbageCredential: fc.oneof(headerText, fc.constantFrom("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer ndca_x", "Bearer a.b.c")),
    body: hasBody ? bodyArb(doc, undefined, pools) : fc.option(rawBodies.map((raw) => ({ raw })), { nil: null, freq: 8 }),
  });
}

function toolRequest(name: string, inputSchema: Json, write: boolean, pools: Pools): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      target: fc.constant(`tool:${name}`),
      method: fc.oneof({ weight: 30, arbitrary: fc.constant("POST") }, { weight: 1, arbitrary: fc.constantFrom("GET", "PUT") }),
      path: fc.constant(`/api/v1/tools/${name}`),
      query: fc.oneof({ weight: 9, arbitrary: fc.constant("") }, { weight: 1, arbitrary: queryArb(undefined, pools) }),
      headers: oddHeaders,
      auth: authArb("agent_token"),
      jwtClaims: jwtClaims,
      garbageCredential: headerText,
      body: bodyArb(undefined, toolBodySchema(inputSchema), pools),
    })
    .chain((req) => fc.tuple(fc.constant(req), idempotencyKey, fc.integer({ min: 0, max: 99 })))
    .map(([req, key, where]) => {
      // Where the key travels: the header (as the CLI sends it), the argument, both, or nowhere.
      const json = req.body && "json" in req.body ? req.body.json : undefined;
      const args = json && typeof json === "object" ? (json as { arguments?: unknown }).arguments : undefined;
      const inHeader = write ? where < 75 : where < 10;
      const inArgs = write ? where >= 55 && where < 95 : false;
      let body = req.body;
      if (args && typeof args === "object" && !Array.isArray(args)) {
        const copy: Record<string, unknown> = { ...(args as Record<string, unknown>) };
        if (!inArgs) delete copy.idempotency_key;
        else if (inHeader && where % 2 === 0) copy.idempotency_key = key;
        body = { json: { ...(json as object), arguments: copy } };
      }
      const headers = inHeader ? [...req.headers, ["Idempotency-Key", key] as [string, string]] : req.headers;
      return { ...req, headers, body };
    });
}
