// Group commit (the inbox's burst writes): what arrives while a write is under way goes in the
// next one, results reach their own callers, and a failed write fails only its own group.
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/core/group-commit.ts';

describe('GroupCommit', () => {
  it('writes the first item at once and everything that arrived meanwhile in one go', async () => {
    const groups: number[][] = [];
    const commit = new GroupCommit<number, string>(async (items) => {
      groups.push(items);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return items.map((n) => `ok ${n}`);
    });
    const first = commit.add(0);
    const rest = Array.from({ length: 30 }, (_, n) => commit.add(n + 1));
    expect(await Promise.all([first, ...rest])).toEqual(Array.from({ length: 31 }, (_, n) => `ok ${n}`));
    expect(groups).toEqual([[0], Array.from({ length: 30 }, (_, n) => n + 1)]);
  });

  it('keeps groups within their size, in order', async () => {
    const groups: number[][] = [];
    const commit = new GroupCommit<number, number>(async (items) => {
      groups.push(items);
      await Promise.resolve();
      return items;
    }, 4);
    await commit.add(-1);
    const all = await Promise.all(Array.from({ length: 10 }, (_, n) => commit.add(n)));
    expect(all).toEqual(Array.from({ length: 10 }, (_, n) => n));
    expect(groups.map((g) => g.length)).toEqual([1, 1, 4, 4, 1]);
  });

  it('fails the callers of a failed write, and writes the next group anyway', async () => {
    let calls = 0;
    const commit = new GroupCommit<number, number>(async (items) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (calls === 1) throw new Error('database away');
      return items;
    });
    const failed = commit.add(1);
    const later = commit.add(2);
    await expect(failed).rejects.toThrow('database away');
    expect(await later).toBe(2);
  });
});
