namespace Svcsim.Scenarios;

/// <summary>"Did you mean" suggestions by edit distance.</summary>
internal static class Suggest
{
    /// <summary>
    /// The candidate closest to <paramref name="word"/> (case-insensitive Levenshtein distance), when it is
    /// close enough to be a likely typo: at most a third of the word's length, and at most 3 edits.
    /// </summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        if (word.Length > MaxWordChars)
        {
            return null; // no typo makes a word this long; and the cost must not grow with what a file holds
        }
        string? best = null;
        int bestDistance = int.MaxValue;
        int limit = Math.Clamp(word.Length / 3, 1, 3);
        string lower = word.ToLowerInvariant();
        foreach (string c in candidates)
        {
            // Words whose lengths differ by more than the limit cannot be within it: skip them unmeasured.
            if (Math.Abs(c.Length - word.Length) > limit)
            {
                continue;
            }
            int d = Distance(lower, c.ToLowerInvariant(), limit);
            if (d < bestDistance)
            {
                (best, bestDistance) = (c, d);
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Longest word a suggestion is looked for (Kubernetes' longest names).</summary>
    private const int MaxWordChars = InputLimits.MaxNameChars;

    /// <summary>" (did you mean 'x'?)" or nothing.</summary>
    public static string Hint(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>Levenshtein distance (insert, delete, substitute), with adjacent transposition counted as one.</summary>
    public static int Distance(string a, string b) => Distance(a, b, int.MaxValue);

    /// <summary>
    /// <see cref="Distance(string, string)"/>, or some value above <paramref name="limit"/> as soon as every
    /// alignment exceeds it. Three rows of memory, never a full matrix.
    /// </summary>
    public static int Distance(string a, string b, int limit)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            int rowMin = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                int d = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d = Math.Min(d, previous2[j - 2] + 1);
                }
                current[j] = d;
                rowMin = Math.Min(rowMin, d);
            }
            if (rowMin > limit)
            {
                return rowMin; // every later row is at least as far
            }
            (previous2, previous, current) = (previous, current, previous2);
        }
        return previous[b.Length];
    }
}
