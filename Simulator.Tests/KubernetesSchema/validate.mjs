// Checks Kubernetes manifests (YAML files, several documents each) against the Kubernetes API's OpenAPI schema, as
// the API server and kubectl's strict validation would, without a cluster:
//  - types, enumerations, required fields and formats: the validators kubernetes-models generates from the schema;
//  - unknown fields (a misspelt key is otherwise dropped silently by the API server): the field lists of
//    @kubernetes/client-node's models, generated from the same schema, walked through every nested object.
//
//   node validate.mjs FILE...     prints "ok: FILE: Kind name" per document, or "FILE:LINE:COLUMN: path: problem"
//                                 per problem; exit code 0 when every document is valid, 1 otherwise, 2 on bad usage.
import { readFileSync } from "node:fs";
// (the models alone: the package's entry point also loads its HTTP client, which needs a newer Node.js than 20)
import * as client from "@kubernetes/client-node/dist/gen/models/all.js";
import { LineCounter, parseAllDocuments } from "yaml";

// Types of @kubernetes/client-node's attribute maps that hold no fields of their own.
const LEAVES = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString", "V1MicroTime", "V1Time", "RuntimeRawExtension"]);

/** The kubernetes-models class of a group/version and kind, or null. */
async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  try {
    const module = await import(group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`);
    return module[kind] ?? null;
  } catch {
    return null;
  }
}

/** The @kubernetes/client-node type name of a group/version and kind (V1Job, V1ConfigMap...), or null. */
function clientType(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const prefix = capital(group.split(".")[0]);
  for (const name of [`${capital(version)}${kind}`, `${prefix}${capital(version)}${kind}`]) {
    if (client[name]?.attributeTypeMap) {
      return name;
    }
  }
  return null;
}

/** Every field of value that the type does not define, as [path, message], walking nested objects. */
function unknownFields(value, type, path, found) {
  if (value === null || value === undefined || LEAVES.has(type)) {
    return found;
  }
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => unknownFields(item, m[1], [...path, i], found));
    }
    return found;
  }
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    if (typeof value === "object" && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) {
        unknownFields(item, m[1], [...path, key], found);
      }
    }
    return found;
  }
  const model = client[type];
  if (!model?.attributeTypeMap) {
    found.push([path, `no field list for type ${type} in @kubernetes/client-node`]);
    return found;
  }
  if (typeof value !== "object" || Array.isArray(value)) {
    return found; // a wrong type: the schema check reports it
  }
  const fields = new Map(model.attributeTypeMap.map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!fields.has(key)) {
      found.push([[...path, key], `unknown field "${key}" (${type} has: ${[...fields.keys()].sort().join(", ")})`]);
    } else {
      unknownFields(item, fields.get(key), [...path, key], found);
    }
  }
  return found;
}

/** "spec.template.containers[0].name" for a path of keys and indexes. */
function dotted(path) {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(document)";
}

/** The "LINE:COLUMN" of the deepest key or item of the document that the path reaches. */
function position(doc, lines, path) {
  const at = (offset) => {
    const { line, col } = lines.linePos(offset);
    return `${line}:${col}`;
  };
  for (let n = path.length; n > 0; n--) {
    const parent = doc.getIn(path.slice(0, n - 1), true) ?? (n === 1 ? doc.contents : null);
    const step = path[n - 1];
    if (typeof step === "string" && parent?.items) {
      const pair = parent.items.find((p) => p.key?.value === step);
      if (pair?.key?.range) {
        return at(pair.key.range[0]);
      }
    } else if (typeof step === "number" && parent?.items?.[step]?.range) {
      return at(parent.items[step].range[0]);
    }
  }
  return doc.contents?.range ? at(doc.contents.range[0]) : "1:1";
}

/** The instancePath of an ajv error ("/spec/template/0") as a path of keys and indexes. */
function ajvPath(instancePath) {
  return instancePath.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replaceAll("~1", "/").replaceAll("~0", "~")));
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}
let problems = 0;
const report = (file, where, path, message) => {
  problems++;
  console.log(`${file}:${where}: ${dotted(path)}: ${message}`);
};
for (const file of files) {
  const lines = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(readFileSync(file, "utf8"), { lineCounter: lines });
  } catch (e) {
    report(file, "1:1", [], e.message);
    continue;
  }
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        report(file, `${e.linePos?.[0]?.line ?? 1}:${e.linePos?.[0]?.col ?? 1}`, [], e.message);
      }
      continue;
    }
    const object = doc.toJS();
    if (object === null || object === undefined) {
      continue; // an empty document (a file ending in ---)
    }
    const { apiVersion, kind } = object;
    const Model = typeof apiVersion === "string" && typeof kind === "string" ? await modelClass(apiVersion, kind) : null;
    const type = Model ? clientType(apiVersion, kind) : null;
    if (!Model || !type) {
      report(file, position(doc, lines, ["kind"]), ["kind"], `no schema for apiVersion ${apiVersion} kind ${kind}`);
      continue;
    }
    const before = problems;
    try {
      new Model(object).validate();
    } catch (e) {
      for (const err of e.errors ?? [{ instancePath: "", message: e.message }]) {
        const path = ajvPath(err.instancePath ?? "");
        const detail = err.params?.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : "";
        report(file, position(doc, lines, path), path, `${err.message}${detail}`);
      }
    }
    for (const [path, message] of unknownFields(object, type, [], [])) {
      report(file, position(doc, lines, path), path, message);
    }
    if (problems === before) {
      console.log(`ok: ${file}: ${kind} ${object.metadata?.name ?? "(no name)"}`);
    }
  }
}
process.exit(problems === 0 ? 0 : 1);
