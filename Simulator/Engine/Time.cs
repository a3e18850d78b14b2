namespace Svcsim.Engine;

/// <summary>
/// Simulated time is one type everywhere: <see cref="long"/> nanoseconds since the start of a run.
/// Integers compare exactly and cheaply, and 2^63 ns is about 292 years of simulated time.
/// </summary>
public static class Time
{
    /// <summary>One nanosecond.</summary>
    public const long Nanosecond = 1;
    /// <summary>One microsecond in nanoseconds.</summary>
    public const long Microsecond = 1_000;
    /// <summary>One millisecond in nanoseconds.</summary>
    public const long Millisecond = 1_000_000;
    /// <summary>One second in nanoseconds.</summary>
    public const long Second = 1_000_000_000;
    /// <summary>A time later than any event of a run.</summary>
    public const long Never = long.MaxValue;

    /// <summary>Converts seconds to nanoseconds, rounding to the nearest nanosecond.</summary>
    public static long FromSeconds(double seconds) => (long)Math.Round(seconds * Second);

    /// <summary>Converts milliseconds to nanoseconds, rounding to the nearest nanosecond.</summary>
    public static long FromMilliseconds(double milliseconds) => (long)Math.Round(milliseconds * Millisecond);

    /// <summary>Converts nanoseconds to seconds.</summary>
    public static double ToSeconds(long nanoseconds) => nanoseconds / (double)Second;

    /// <summary>Converts nanoseconds to milliseconds.</summary>
    public static double ToMilliseconds(long nanoseconds) => nanoseconds / (double)Millisecond;
}
