// Writes the licence file of the editor bundle: for every npm package esbuild put into it (from
// its metafile), the package's name, version and licence text. Run by tools/vendor_editor.sh.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const meta = JSON.parse(readFileSync(process.argv[2], "utf8"));
const names = new Set();
for (const input of Object.keys(meta.inputs)) {
  const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (match) names.add(match[1]);
}
const out = [
  "The SPARQL editor of ecograph serve's query page (editor.js) bundles these npm packages,",
  "made by tools/vendor_editor.sh from tools/editor/package-lock.json. Their licences follow.",
  "",
];
for (const name of [...names].sort()) {
  const folder = join("node_modules", name);
  const info = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((f) => /^licen[cs]e/i.test(f));
  if (!file) throw new Error(`no licence file in ${name}`);
  out.push("=".repeat(78), `${name} ${info.version} (${info.license})`, "=".repeat(78), "");
  out.push(readFileSync(join(folder, file), "utf8").trim(), "");
}
process.stdout.write(out.join("\n"));
