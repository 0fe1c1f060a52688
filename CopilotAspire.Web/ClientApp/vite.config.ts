import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` serves the page on its own; the runtime paths go to an Api started separately
// (COPILOTASPIRE_API, default http://localhost:5180, the Api's launch profile).
const api = process.env.COPILOTASPIRE_API ?? "http://localhost:5180";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      "/api/copilotkit": api,
      "/api/copilotkit-single": api,
    },
  },
});
