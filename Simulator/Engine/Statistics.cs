using System.Diagnostics;
using HdrHistogram;

namespace Svcsim.Engine;

/// <summary>
/// Time-weighted average of a piecewise-constant quantity (busy servers, queue length, connections):
/// the integral of the value over time divided by the elapsed time. Keeps O(1) state, as a value held inside
/// its owner (a server pool reads and writes it per customer: no separate object to reach).
/// </summary>
public struct TimeWeighted
{
    private long _start;
    private long _lastChange;
    private double _value;
    private double _area; // value x nanoseconds since _start, up to _lastChange
    private double _max;

    /// <summary>Starts at value 0 at time <paramref name="start"/>.</summary>
    public TimeWeighted(long start = 0)
    {
        _start = start;
        _lastChange = start;
    }

    /// <summary>The current value.</summary>
    public readonly double Value => _value;

    /// <summary>The largest value seen since the last reset.</summary>
    public readonly double Max => _max;

    /// <summary>Sets the value from time <paramref name="now"/> on.</summary>
    public void Set(long now, double value)
    {
        Debug.Assert(now >= _lastChange, "time went backwards");
        _area += _value * (now - _lastChange);
        _lastChange = now;
        _value = value;
        if (value > _max)
        {
            _max = value;
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the value from time <paramref name="now"/> on.</summary>
    public void Add(long now, double delta) => Set(now, _value + delta);

    /// <summary>The integral of the value from the last reset to <paramref name="now"/>, in value x seconds.</summary>
    public readonly double Integral(long now) => (_area + _value * (now - _lastChange)) / Time.Second;

    /// <summary>The time-weighted mean from the last reset to <paramref name="now"/>.</summary>
    public readonly double Mean(long now)
    {
        long span = now - _start;
        return span <= 0 ? _value : (_area + _value * (now - _lastChange)) / span;
    }

    /// <summary>Forgets the past (warm-up deletion): averages start again at <paramref name="now"/>.</summary>
    public void Reset(long now)
    {
        _start = now;
        _lastChange = now;
        _area = 0;
        _max = _value;
    }
}

/// <summary>
/// Latency distribution on an HdrHistogram: values recorded in microseconds with a fixed relative
/// precision, percentiles read without storing samples.
/// </summary>
public sealed class LatencyHistogram
{
    // 1 us .. 10^10 us (2.8 h) covers every latency a client timeout allows.
    private const long HighestTrackableMicros = 10_000_000_000L;
    private readonly LongHistogram _histogram;

    /// <summary>Creates a histogram with <paramref name="significantDigits"/> digits of precision (1 to 5).</summary>
    public LatencyHistogram(int significantDigits = 3)
    {
        _histogram = new LongHistogram(HighestTrackableMicros, significantDigits);
    }

    /// <summary>Number of recorded values.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Records a latency given in nanoseconds.</summary>
    public void Record(long nanoseconds)
    {
        long micros = Math.Clamp(nanoseconds / Time.Microsecond, 1, HighestTrackableMicros);
        _histogram.RecordValue(micros);
    }

    /// <summary>The latency at <paramref name="percentile"/> (0-100) in milliseconds; NaN when empty.</summary>
    public double PercentileMs(double percentile) =>
        Count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>The largest recorded latency in milliseconds; NaN when empty.</summary>
    public double MaxMs => Count == 0 ? double.NaN : _histogram.GetMaxValue() / 1000.0;

    /// <summary>The mean latency in milliseconds; NaN when empty.</summary>
    public double MeanMs => Count == 0 ? double.NaN : _histogram.GetMean() / 1000.0;

    /// <summary>Adds every value of <paramref name="other"/>.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _histogram.Add(other._histogram);
    }

    /// <summary>Forgets every value (warm-up deletion).</summary>
    public void Reset() => _histogram.Reset();
}

/// <summary>
/// Running count, mean and variance of observations (Welford's update: one division per value).
/// MathNet's RunningStatistics also keeps skewness and kurtosis, which costs three times as much per
/// value on the per-request path; the summaries here need only the first two moments.
/// </summary>
public struct Welford
{
    private double _mean;
    private double _m2;

    /// <summary>Number of observations.</summary>
    public long Count { readonly get; private set; }

    /// <summary>Mean; NaN when empty.</summary>
    public readonly double Mean => Count == 0 ? double.NaN : _mean;

    /// <summary>Sample variance (n - 1 denominator); NaN with fewer than two observations.</summary>
    public readonly double Variance => Count < 2 ? double.NaN : _m2 / (Count - 1);

    /// <summary>Sample standard deviation.</summary>
    public readonly double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Adds one observation.</summary>
    public void Push(double x)
    {
        long n = ++Count;
        double delta = x - _mean;
        _mean += delta / n;
        _m2 += delta * (x - _mean);
    }

    /// <summary>Forgets every observation.</summary>
    public void Reset()
    {
        Count = 0;
        _mean = 0;
        _m2 = 0;
    }
}
