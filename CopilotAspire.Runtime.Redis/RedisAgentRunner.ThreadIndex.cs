using CopilotAspire.Runtime.Runners.Threads;
using StackExchange.Redis;

namespace CopilotAspire.Runtime.Redis;

/// <summary>How a <c>/threads</c> page reads a scope's index: a cursor's stretch of it.</summary>
public sealed partial class RedisAgentRunner
{
    /// <summary>Reads one index page by page from a cursor: <c>ZRANGE key max -inf BYSCORE REV LIMIT offset count</c>.</summary>
    private sealed class IndexReader(RedisKey key, bool archived, ThreadCursor? after)
    {
        private double _max = after?.UpdatedAt ?? double.PositiveInfinity;
        private ThreadCursor? _after = after;
        private long _offset;

        public RedisKey Key { get; } = key;

        /// <summary>Whether this is the index of archived threads.</summary>
        public bool Archived { get; } = archived;

        public bool Done { get; private set; }

        public async Task<List<IndexEntry>> ReadAsync(IDatabase db, int count)
        {
            var result = new List<IndexEntry>(count);
            var exhausted = false;
            // Entries of the cursor's own time that come before it are skipped here (rare: ids updated in the same ms).
            while (result.Count < count && !exhausted)
            {
                // From a cursor the range starts at the cursor's own entry (inclusive: ties of its time): one more covers it.
                var take = count + (_after is null ? 0 : 1);
                var entries = await db.SortedSetRangeByScoreWithScoresAsync(Key, _max, double.NegativeInfinity, Exclude.None, Order.Descending, _offset, take).ConfigureAwait(false);
                exhausted = entries.Length < take;
                _offset += entries.Length;
                foreach (var e in entries)
                {
                    var score = (long)e.Score;
                    if (_after is { } c && !c.Precedes(score, (string)e.Element!))
                    {
                        continue;
                    }
                    result.Add(new IndexEntry(this, (string)e.Element!, score));
                }
            }
            _lastRead = result.Count;
            _lastExhausted = exhausted;
            return result;
        }

        /// <summary>The merge used these entries of the last read: the next read starts after the last of them.</summary>
        public void Consumed(List<(string Id, long Score)> used)
        {
            if (used.Count > 0)
            {
                _max = used[^1].Score;
                _after = new ThreadCursor(used[^1].Score, used[^1].Id);
            }
            _offset = 0;
            Done = _lastExhausted && used.Count == _lastRead;
        }

        private int _lastRead;
        private bool _lastExhausted;
    }

    /// <summary>One entry of an index: the thread id and its last update (ms).</summary>
    private readonly record struct IndexEntry(IndexReader Source, string Id, long Score);
}
