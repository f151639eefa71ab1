// Validates Kubernetes manifests against the Kubernetes API's OpenAPI schemas, offline: kubernetes-models ships a
// model class per apiVersion/kind whose validate() checks types, required fields, enums and formats.
//   node validate.mjs FILE...      prints "FILE: N objects valid" per file; exit 1 on the first problem found in each
// Unknown fields are not part of these schemas; KubernetesManifestTests refuses them with KubernetesClient's strict
// YAML load.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failed = false;
for (const file of process.argv.slice(2)) {
  const problems = [];
  let count = 0;
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      problems.push(`YAML: ${document.errors[0].message}`);
      continue;
    }
    const object = document.toJS();
    if (object === null) continue;
    count++;
    const where = `${object.kind ?? "?"} ${object.metadata?.name ?? "?"}`;
    const [group, version] = String(object.apiVersion ?? "").includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
    let model;
    try {
      model = (await import(`kubernetes-models/${group ? group + "/" : ""}${version}`))[object.kind];
    } catch {
      model = undefined;
    }
    if (typeof model !== "function") {
      problems.push(`${where}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
      continue;
    }
    try {
      new model(object).validate();
    } catch (error) {
      problems.push(`${where}: ${error.message}`);
    }
  }
  if (problems.length > 0) {
    failed = true;
    for (const problem of problems) console.log(`${file}: ${problem}`);
  } else {
    console.log(`${file}: ${count} objects valid`);
  }
}
process.exit(failed ? 1 : 0);
