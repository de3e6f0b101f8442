// Builds one ES module, dist/domoguard-panel.js, that defines <domoguard-panel> and
// <domoguard-notice-card>. The UI's texts come from ../locales/*.json at build time through the
// virtual module "virtual:domoguard-locales"; the gzipped size is printed (target: 80 KB).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { transformWithEsbuild, type Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { readCatalogues } from "./tools/locales";

const here = path.dirname(fileURLToPath(import.meta.url));
const localesDir = path.resolve(here, "../locales");
const VIRTUAL = "virtual:domoguard-locales";
const MAX_GZIP = 80 * 1024;

function locales(): Plugin {
  return {
    name: "domoguard-locales",
    resolveId(id) {
      return id === VIRTUAL ? "\0" + VIRTUAL : null;
    },
    load(id) {
      if (id !== "\0" + VIRTUAL) return null;
      for (const f of fs.readdirSync(localesDir)) if (f.endsWith(".json")) this.addWatchFile(path.join(localesDir, f));
      return `export default ${JSON.stringify(readCatalogues(localesDir))};`;
    },
  };
}

// Vite leaves whitespace in ES-format library builds (for bundlers that tree-shake them); this file is
// loaded as is by browsers, so minify it fully.
function minifyChunk(): Plugin {
  return {
    name: "domoguard-minify",
    apply: "build",
    async generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== "chunk") continue;
        chunk.code = (await transformWithEsbuild(chunk.code, chunk.fileName, { minify: true, format: "esm", target: "es2022", legalComments: "none" })).code;
      }
    },
  };
}

function bundleSize(): Plugin {
  return {
    name: "domoguard-bundle-size",
    apply: "build",
    writeBundle(options, bundle) {
      for (const [name, chunk] of Object.entries(bundle)) {
        if (chunk.type !== "chunk") continue;
        const bytes = fs.readFileSync(path.join(options.dir ?? "dist", name));
        const gz = zlib.gzipSync(bytes, { level: 9 }).length;
        console.log(`bundle: ${name} ${(bytes.length / 1024).toFixed(1)} KB, gzipped ${(gz / 1024).toFixed(1)} KB (target ≤ ${MAX_GZIP / 1024} KB)`);
        if (gz > MAX_GZIP) this.error(`${name} is ${gz} bytes gzipped, over the ${MAX_GZIP}-byte target`);
      }
    },
  };
}

export default defineConfig({
  plugins: [locales(), minifyChunk(), bundleSize()],
  esbuild: { target: "es2022", legalComments: "none" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    lib: { entry: "src/main.ts", formats: ["es"], fileName: () => "domoguard-panel.js" },
    rollupOptions: { output: { inlineDynamicImports: true } },
  },
  test: {
    environment: "happy-dom",
    include: ["test/**/*.test.ts"],
    // Expected noise: Lit's development build notice, and the fallback test's own warning.
    onConsoleLog: (log) => !/Lit is in dev mode|domoguard: no text for/.test(log),
  },
});
