namespace Svcsim.Reports;

/// <summary>
/// Keys in the order in which they first appear. Reports never iterate a dictionary or a hash set, so their output
/// depends on the order of the input rows alone.
/// </summary>
internal static class Order
{
    public static List<TKey> FirstAppearance<TRow, TKey>(IEnumerable<TRow> rows, Func<TRow, TKey> key)
        where TKey : notnull
    {
        var seen = new HashSet<TKey>();
        var keys = new List<TKey>();
        foreach (var row in rows)
        {
            var k = key(row);
            if (seen.Add(k))
            {
                keys.Add(k);
            }
        }

        return keys;
    }
}
