# syntax=docker/dockerfile:1.7
# Production image of the gateway only (no Tasker sandbox, no CLI). Docker cannot run on
# our CI machines, so this file is kept correct by inspection: see docs/DEPLOYMENT.md.
ARG NODE_VERSION=20.19
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
RUN npm install -g pnpm@10.34.9
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json tsconfig.base.json ./
COPY packages/shared/package.json packages/shared/
COPY packages/gateway/package.json packages/gateway/
COPY packages/tasker-sandbox/package.json packages/tasker-sandbox/
COPY packages/cli/package.json packages/cli/
RUN pnpm install --frozen-lockfile --filter @nodedc/gateway...
COPY packages/shared packages/shared
COPY packages/gateway packages/gateway
RUN pnpm --filter @nodedc/gateway build \
 && pnpm --filter @nodedc/gateway deploy --prod --legacy /out \
 && cp -r packages/gateway/dist /out/dist

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4100
# Without a ceiling V8 lets the old generation grow lazily to ~230–245 MB under 200
# concurrent callers; with these it stays under 150 MB at the same calls/s. A larger young
# generation scavenges less often: in a same-run A/B, 8 MB (4 before) took get_card's CPU
# per call to ~0.84×, but the full pnpm bench then measured 152.7 MB under 200 callers,
# over the 150 MB target; 6 MB measured 143.7 MB (docs/PERFORMANCE.md).
# pnpm bench starts its gateway with exactly this line (bench/lib/gateway-process.ts reads it).
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=6"
WORKDIR /app
COPY --from=build /out /app
USER node
EXPOSE 4100
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4100)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
