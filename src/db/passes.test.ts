import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPassLoop } from './passes.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('startPassLoop', () => {
  it('runs a pass each interval, again at once while passes come back full', async () => {
    vi.useFakeTimers();
    const answers = [true, true, false, false];
    let calls = 0;
    const loop = startPassLoop({ job: 'test', intervalMs: 100, pass: async () => answers[calls++] ?? false });
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(3); // full, full, then not full: three passes in one tick
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toBe(4);
    loop.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(4);
  });

  it('backs off while the database is unreachable, without logging each failure; logs other failures', async () => {
    vi.useFakeTimers();
    const log = { error: vi.fn() };
    let calls = 0;
    let down = true;
    const loop = startPassLoop({
      job: 'test', intervalMs: 100, log,
      pass: async () => {
        calls++;
        if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        return false;
      },
    });
    await vi.advanceTimersByTimeAsync(3_000);
    // 1, 2, 4, 8, 16 intervals apart: 100 + 100 + 200 + 400 + 800 + 1,600 > 3,000, so at most 5 passes, not 30.
    expect(calls).toBeLessThanOrEqual(5);
    expect(log.error).not.toHaveBeenCalled();
    down = false;
    await vi.advanceTimersByTimeAsync(20_000);
    const after = calls;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls - after).toBe(10); // back to one pass per interval
    loop.stop();
    const failing = startPassLoop({ job: 'bug', intervalMs: 100, log, pass: async () => { throw new Error('a bug'); } });
    await vi.advanceTimersByTimeAsync(100);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ job: 'bug' }), 'job failed');
    failing.stop();
  });
});
