// Writes GitLab's CI JSON schema (GitLab's app/assets/javascripts/editor/schema/ci.json) as the
// npm package gitlab-ci-local bundles it into dist/index.js: the schema is a JS object literal
// there, found by its $schema/$id and evaluated on its own.
// Usage: node scripts/gitlab-ci-schema.js path/to/gitlab-ci-local/dist/index.js out.json
"use strict";
const fs = require("fs");
const [bundle, out] = process.argv.slice(2);
const src = fs.readFileSync(bundle, "utf8");
const marker = '={$schema:"http://json-schema.org/draft-07/schema#",$id:"https://gitlab.com/.gitlab-ci.yml"';
const at = src.indexOf(marker);
if (at < 0) {
  console.error(`${bundle}: GitLab's CI schema not found in the bundle`);
  process.exit(1);
}
// The literal ends at the brace that balances its first one (braces in strings do not count).
let i = at + 1;
let depth = 0;
let quote = null;
for (; i < src.length; i++) {
  const c = src[i];
  if (quote) {
    if (c === "\\") i++;
    else if (c === quote) quote = null;
    continue;
  }
  if (c === '"' || c === "'" || c === "`") quote = c;
  else if (c === "{") depth++;
  else if (c === "}" && --depth === 0) break;
}
const schema = new Function(`return (${src.slice(at + 1, i + 1)});`)();
if (!schema.definitions || !schema.properties) {
  console.error(`${bundle}: what was found is not the CI schema`);
  process.exit(1);
}
fs.writeFileSync(out, JSON.stringify(schema, null, 1));
