// Parses a multipart/form-data body with Node's own strict parser (undici's Request.formData()) and prints what it
// found as one JSON line: {"ok":true,"entries":[{"name","kind":"file"|"string","filename","type","size","value"}]}
// or {"ok":false,"error":"..."}. Usage: node parse-form.mjs <body-file> <content-type>
import { readFile } from "node:fs/promises";

const [bodyFile, contentType] = process.argv.slice(2);
try {
  const body = await readFile(bodyFile);
  const form = await new Request("http://127.0.0.1/", { method: "POST", headers: { "content-type": contentType }, body }).formData();
  const entries = [];
  for (const [name, value] of form.entries()) {
    entries.push(typeof value === "string"
      ? { name, kind: "string", value }
      : { name, kind: "file", filename: value.name, type: value.type, size: value.size });
  }
  console.log(JSON.stringify({ ok: true, entries }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
}
