import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_KEY_FILE, demoMerchantBanner, type DemoMerchant } from './demo.ts';

const demo: DemoMerchant = { id: 'mch_01h2xcejqtf2nbrexx3vqjhp41', name: 'Demo merchant', sandboxKey: `sk_sandbox_${'k'.repeat(43)}` };
const base = 'http://127.0.0.1:8080';
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-demo-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the demo merchant banner', () => {
  it('shows the key at a terminal, and writes no file', () => {
    const dataDir = tempDir();
    const text = demoMerchantBanner(demo, base, { isTTY: true, dataDir }).join('\n');
    expect(text).toContain(demo.sandboxKey);
    expect(text).toContain(`curl -H "Authorization: Bearer ${demo.sandboxKey}" ${base}/v1/merchant`);
    expect(fs.existsSync(path.join(dataDir, DEMO_KEY_FILE))).toBe(false);
  });

  it('elsewhere writes the key to an owner-only file in the data directory and prints only its path', () => {
    const dataDir = path.join(tempDir(), 'not-yet-created');
    const text = demoMerchantBanner(demo, base, { isTTY: false, dataDir }).join('\n');
    const file = path.join(dataDir, DEMO_KEY_FILE);
    expect(text).not.toContain(demo.sandboxKey);
    expect(text).not.toMatch(/sk_sandbox_/);
    expect(text).toContain(file);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${demo.sandboxKey}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces a file left by an earlier first start, owner-only even if that one was not', () => {
    const dataDir = tempDir();
    const file = path.join(dataDir, DEMO_KEY_FILE);
    fs.writeFileSync(file, 'old key\n', { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    demoMerchantBanner(demo, base, { isTTY: false, dataDir });
    expect(fs.readFileSync(file, 'utf8')).toBe(`${demo.sandboxKey}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
