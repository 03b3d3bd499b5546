/**
 * A cheap, stable shard for a key (FNV-1a, 32 bits): the same key always
 * lands on the same shard, in every process, and typeid suffixes spread evenly.
 * Not for anything an attacker could exploit by choosing keys.
 */
export function shardOf(key: string, shards: number): number {
  if (shards === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}
