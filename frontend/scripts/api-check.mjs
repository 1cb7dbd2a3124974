// Fails when src/api/schema.d.ts is not what openapi-typescript makes of openapi.json
// (with --write: writes it instead). The one place that names the generator's options.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = mkdtempSync(join(tmpdir(), "stripstudio-api-"));
const target = join(root, "src", "api", "schema.d.ts");
const write = process.argv.includes("--write");
const out = write ? target : join(dir, "schema.d.ts");
const OPTIONS = ["--default-non-nullable", "false"];
try {
  const bin = join(root, "node_modules", ".bin", "openapi-typescript");
  execFileSync(bin, [join(root, "openapi.json"), "-o", out, ...OPTIONS], { stdio: ["ignore", "ignore", "inherit"] });
  if (write) {
    console.log("wrote src/api/schema.d.ts");
    process.exit(0);
  }
  const fresh = readFileSync(out, "utf8");
  const committed = readFileSync(target, "utf8");
  if (fresh !== committed) {
    console.error(
      "frontend/src/api/schema.d.ts does not match frontend/openapi.json.\n" +
        "Regenerate both with: npm --prefix frontend run api:generate",
    );
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches openapi.json");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
