namespace Svcsim.Reports;

/// <summary>
/// The <c>parameters</c> text of a sweep point, <c>name=value</c> pairs joined by <c>;</c> in sweep order
/// (<c>replicas=3;client_timeout_s=2</c>). Names and values may not contain <c>;</c> or <c>=</c>.
/// </summary>
public static class SweepParameters
{
    /// <summary>Joins <paramref name="parameters"/> into the <c>parameters</c> text, keeping their order.</summary>
    public static string Format(IEnumerable<RunParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var parts = new List<string>();
        foreach (var p in parameters)
        {
            if (p.Name.Length == 0 || p.Name.AsSpan().IndexOfAny(";=") >= 0 || p.Value.AsSpan().IndexOfAny(";=") >= 0)
            {
                throw new ArgumentException($"sweep parameter '{p.Name}={p.Value}' has an empty name or a ';' or '='", nameof(parameters));
            }

            parts.Add(p.Name + "=" + p.Value);
        }

        return string.Join(';', parts);
    }

    /// <summary>Splits the <c>parameters</c> text into its pairs, in order.</summary>
    public static List<RunParameter> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<RunParameter>();
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"sweep parameter '{part}' is not name=value");
            }

            result.Add(new RunParameter(part[..eq], part[(eq + 1)..]));
        }

        return result;
    }
}
