/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The lettering fonts are stored once, in the Python package (src/stripstudio/lettering/fonts), and
// Django serves them at FONT_URL: the build leaves those URLs to be resolved at run time (it says so)
// and the dev server asks Django for them, as it does for the API.
const FONT_URL = "/static/studio/fonts/";

// Built into the Python package: Django serves dist/index.html for every page and the assets at /static/studio/.
export default defineConfig({
  base: "/static/studio/",
  publicDir: false,
  plugins: [react()],
  build: {
    outDir: "../src/stripstudio/web/frontend/dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes("node_modules/konva") || id.includes("node_modules/react-konva")) return "konva";
          if (id.includes("node_modules")) return "vendor";
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000", [FONT_URL]: "http://127.0.0.1:8000" },
  },
  test: {
    environment: "node",
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
