#!/usr/bin/env node
// The production build: the SDK package (packages/sdk/dist), then the server (dist/) — TypeScript emitted
// as JavaScript without a type check (npm run typecheck does that) — and the non-TypeScript files the
// server reads beside its modules (dashboard assets). `--if-stale` skips the work when dist/ is newer than
// every source file, so `npm start` stays quick after the first build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const sdkConfig = path.join(root, 'packages', 'sdk', 'tsconfig.json');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') newest = Math.max(newest, newestSource(full));
    } else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function upToDate() {
  if (!fs.existsSync(stamp)) return false;
  const built = fs.statSync(stamp).mtimeMs;
  const sources = [path.join(root, 'src'), path.join(root, 'packages', 'sdk', 'src')].filter((d) => fs.existsSync(d));
  const configs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs);
  return Math.max(...sources.map(newestSource), ...configs) < built;
}

function run(args) {
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Copies what the server reads from beside its modules: every file under src/ that tsc does not emit. */
function copyAssets(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyAssets(source, target);
    else if (!/\.(ts|md)$/.test(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

if (process.argv.includes('--if-stale') && upToDate()) process.exit(0);
const started = Date.now();
if (fs.existsSync(sdkConfig)) run(['-p', sdkConfig]);
run(['-p', path.join(root, 'tsconfig.build.json')]);
copyAssets(path.join(root, 'src'), path.join(root, 'dist'));
fs.writeFileSync(stamp, new Date().toISOString() + '\n');
process.stderr.write(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
