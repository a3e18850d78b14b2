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
        string? best = null;
        int bestDistance = int.MaxValue;
        int limit = Math.Clamp(word.Length / 3, 1, 3);
        foreach (string c in candidates)
        {
            int d = Distance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance)
            {
                (best, bestDistance) = (c, d);
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" or nothing.</summary>
    public static string Hint(string word, IEnumerable<string> candidates) =>
        Closest(word, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>Levenshtein distance (insert, delete, substitute), with adjacent transposition counted as one.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
