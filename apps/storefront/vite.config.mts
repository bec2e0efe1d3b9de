import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * `vite build` writes the shop to dist/, which server.ts serves. `vite` (dev) proxies /graphql,
 * HTTP and WebSocket, to the router, so the app always talks to its own origin.
 */
export default defineConfig({
  plugins: [react()],
  // Source maps are written (for reading a production stack trace) but not linked from the bundle.
  build: { outDir: "dist", sourcemap: "hidden", chunkSizeWarningLimit: 500 },
  server: {
    proxy: { "/graphql": { target: process.env.ROUTER_URL ?? "http://127.0.0.1:4000", ws: true } },
  },
});
