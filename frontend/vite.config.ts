/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into the Python package: Django serves dist/index.html for every page and the assets at /static/studio/.
export default defineConfig({
  base: "/static/studio/",
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
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
