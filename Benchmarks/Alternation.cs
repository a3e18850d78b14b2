namespace Svcsim.Benchmarks;

/// <summary>
/// Two measurements taken in turn in one process, which goes first alternating from round to round, so that
/// a shared machine's drift and either one's warm caches weigh on both alike.
/// </summary>
/// <param name="First">The first one's figures, sorted.</param>
/// <param name="Second">The second one's figures, sorted.</param>
/// <param name="Ratios">First over second, round by round, sorted.</param>
public sealed record Alternation(IReadOnlyList<double> First, IReadOnlyList<double> Second, IReadOnlyList<double> Ratios)
{
    /// <summary>Median of the first one's figures.</summary>
    public double FirstMedian => First[First.Count / 2];

    /// <summary>Median of the second one's figures.</summary>
    public double SecondMedian => Second[Second.Count / 2];

    /// <summary>Median ratio.</summary>
    public double Median => Ratios[Ratios.Count / 2];

    /// <summary>Lower quartile of the ratios.</summary>
    public double LowerQuartile => Ratios[Ratios.Count / 4];

    /// <summary>Upper quartile of the ratios.</summary>
    public double UpperQuartile => Ratios[3 * Ratios.Count / 4];

    /// <summary>Runs each of <paramref name="first"/> and <paramref name="second"/> <paramref name="warmup"/> times unrecorded, then <paramref name="rounds"/> times each, in turn.</summary>
    public static Alternation Measure(Func<double> first, Func<double> second, int rounds, int warmup)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        for (int i = 0; i < warmup; i++)
        {
            first();
            second();
        }
        var a = new List<double>(rounds);
        var b = new List<double>(rounds);
        var ratios = new List<double>(rounds);
        for (int i = 0; i < rounds; i++)
        {
            double x, y;
            if (i % 2 == 0)
            {
                x = first();
                y = second();
            }
            else
            {
                y = second();
                x = first();
            }
            a.Add(x);
            b.Add(y);
            ratios.Add(x / y);
        }
        a.Sort();
        b.Sort();
        ratios.Sort();
        return new Alternation(a, b, ratios);
    }
}
