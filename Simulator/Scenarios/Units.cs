using System.Globalization;
using System.Text.RegularExpressions;

namespace Svcsim.Scenarios;

/// <summary>The outcome of parsing one value: the value, or why the text is not one.</summary>
/// <typeparam name="T">The parsed type.</typeparam>
/// <param name="Value">The value; meaningless when <paramref name="Error"/> is set.</param>
/// <param name="Error">What was wrong and what was expected; null on success.</param>
public readonly record struct Parsed<T>(T Value, string? Error)
{
    /// <summary>True when the text was a valid value.</summary>
    public bool Ok => Error is null;

    /// <summary>A successful parse.</summary>
    public static Parsed<T> Of(T value) => new(value, null);

    /// <summary>A failed parse.</summary>
    public static Parsed<T> Fail(string error) => new(default!, error);
}

/// <summary>
/// Parsers for the values scenario files write the way people write them: durations (<c>90s</c>,
/// <c>250ms</c>, <c>1h30m</c>, <c>never</c>), rates (<c>200/s</c>), sizes (<c>1KiB</c>), bandwidths
/// (<c>1Gbps</c>) and fractions (<c>0.99</c>, <c>99%</c>). Everything comes out in SI base units:
/// seconds, per second, bytes, bits per second. Culture-invariant.
/// </summary>
public static partial class Units
{
    /// <summary>Duration units and their length in seconds.</summary>
    private static readonly Dictionary<string, double> DurationUnits = new(StringComparer.Ordinal)
    {
        ["ns"] = 1e-9, ["us"] = 1e-6, ["µs"] = 1e-6, ["ms"] = 1e-3,
        ["s"] = 1, ["sec"] = 1, ["secs"] = 1, ["second"] = 1, ["seconds"] = 1,
        ["m"] = 60, ["min"] = 60, ["mins"] = 60, ["minute"] = 60, ["minutes"] = 60,
        ["h"] = 3600, ["hr"] = 3600, ["hour"] = 3600, ["hours"] = 3600,
        ["d"] = 86400, ["day"] = 86400, ["days"] = 86400,
    };

    /// <summary>Size units (case-insensitive) and their bytes: decimal kB/MB/GB, binary KiB/MiB/GiB.</summary>
    private static readonly Dictionary<string, double> SizeUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        ["kb"] = 1e3, ["mb"] = 1e6, ["gb"] = 1e9, ["tb"] = 1e12,
        ["kib"] = 1024, ["mib"] = 1024.0 * 1024, ["gib"] = 1024.0 * 1024 * 1024, ["tib"] = 1024.0 * 1024 * 1024 * 1024,
    };

    /// <summary>Bandwidth units and their bits per second (decimal prefixes, as links are sold).</summary>
    private static readonly Dictionary<string, double> BandwidthUnits = new(StringComparer.Ordinal)
    {
        ["bps"] = 1, ["bit/s"] = 1,
        ["kbps"] = 1e3, ["Kbps"] = 1e3, ["kbit/s"] = 1e3, ["Kbit/s"] = 1e3,
        ["Mbps"] = 1e6, ["Mbit/s"] = 1e6, ["Gbps"] = 1e9, ["Gbit/s"] = 1e9, ["Tbps"] = 1e12, ["Tbit/s"] = 1e12,
        ["B/s"] = 8, ["kB/s"] = 8e3, ["KB/s"] = 8e3, ["MB/s"] = 8e6, ["GB/s"] = 8e9,
        ["KiB/s"] = 8.0 * 1024, ["MiB/s"] = 8.0 * 1024 * 1024, ["GiB/s"] = 8.0 * 1024 * 1024 * 1024,
    };

    /// <summary>Kubernetes quantity suffixes (k8s.io/apimachinery resource.Quantity): binary SI, then decimal SI.</summary>
    private static readonly Dictionary<string, double> QuantitySuffixes = new(StringComparer.Ordinal)
    {
        ["Ki"] = 1024, ["Mi"] = 1024.0 * 1024, ["Gi"] = 1024.0 * 1024 * 1024, ["Ti"] = 1024.0 * 1024 * 1024 * 1024,
        ["Pi"] = 1024.0 * 1024 * 1024 * 1024 * 1024, ["Ei"] = 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024,
        ["n"] = 1e-9, ["u"] = 1e-6, ["m"] = 1e-3, ["k"] = 1e3, ["M"] = 1e6, ["G"] = 1e9, ["T"] = 1e12, ["P"] = 1e15, ["E"] = 1e18,
    };

    [GeneratedRegex(@"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|([a-zA-Z]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();

    /// <summary>
    /// Parses a Kubernetes quantity as the API server does: a number with an optional binary suffix (<c>Ki</c>,
    /// <c>Mi</c>, <c>Gi</c>, <c>Ti</c>, <c>Pi</c>, <c>Ei</c>), decimal suffix (<c>n</c>, <c>u</c>, <c>m</c>, <c>k</c>,
    /// <c>M</c>, <c>G</c>, <c>T</c>, <c>P</c>, <c>E</c>) or exponent (<c>1e3</c>): <c>500m</c> is 0.5, <c>512Mi</c> is 536870912.
    /// </summary>
    public static Parsed<double> Quantity(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string expected = "a quantity like 500m, 2, 512Mi or 1Gi";
        string t = text.Trim();
        var m = QuantityPattern().Match(t);
        if (!m.Success)
        {
            return Parsed<double>.Fail($"'{t}' is not a Kubernetes quantity; expected {expected}");
        }
        double v = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (m.Groups[2].Success)
        {
            return Parsed<double>.Of(v * Math.Pow(10, int.Parse(m.Groups[2].Value[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
        }
        if (!m.Groups[3].Success)
        {
            return Parsed<double>.Of(v);
        }
        return QuantitySuffixes.TryGetValue(m.Groups[3].Value, out double scale)
            ? Parsed<double>.Of(v * scale)
            : Parsed<double>.Fail($"unknown quantity suffix '{m.Groups[3].Value}' in '{t}'; expected {expected} (suffixes: Ki, Mi, Gi, Ti, m, k, M, G, T)");
    }

    /// <summary>
    /// Parses a count: a whole number, or a Kubernetes quantity that is one (<c>10k</c>, <c>2M</c>, <c>1e3</c>).
    /// </summary>
    public static Parsed<int> Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var q = Quantity(text);
        if (!q.Ok)
        {
            return Parsed<int>.Fail($"'{text.Trim()}' is not a whole number; expected one like 200 or 10k");
        }
        if (q.Value != Math.Floor(q.Value) || q.Value > int.MaxValue || q.Value < int.MinValue)
        {
            return Parsed<int>.Fail($"'{text.Trim()}' is not a whole number{(text.Trim().EndsWith('m') ? " (m is milli in a Kubernetes quantity: 500m is 0.5)" : "")}");
        }
        return Parsed<int>.Of((int)q.Value);
    }

    private const string DurationExpected = "a duration like 90s, 5m, 1h, 250ms or 2.5s";
    private const string NumberPattern = @"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?";

    [GeneratedRegex(@"^\s*(" + NumberPattern + @")\s*([^\s0-9.+-][^\s0-9]*)?\s*", RegexOptions.CultureInvariant)]
    private static partial Regex NumberThenUnit();

    // The same, anchored where the previous match ended (\G), so a compound duration is read in one pass.
    [GeneratedRegex(@"\G\s*(" + NumberPattern + @")\s*([^\s0-9.+-][^\s0-9]*)?\s*", RegexOptions.CultureInvariant)]
    private static partial Regex NextNumberThenUnit();

    [GeneratedRegex(@"^\s*(" + NumberPattern + @")\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex BareNumber();

    /// <summary>Parses a plain number (<c>0.5</c>, <c>1e-3</c>), culture-invariant.</summary>
    public static Parsed<double> Number(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = BareNumber().Match(text);
        if (!m.Success)
        {
            return Parsed<double>.Fail($"expected a number, found '{text}'");
        }
        return Parsed<double>.Of(double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Parses a duration into seconds: a number and a unit (ns, us, ms, s, m, h, d), several such parts
    /// added up (<c>1h30m</c>), a bare <c>0</c>, or with <paramref name="allowNever"/>
    /// <c>never</c>/<c>infinity</c> (positive infinity). Negative durations are rejected.
    /// </summary>
    public static Parsed<double> Duration(string text, bool allowNever = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (IsNever(t))
        {
            return allowNever
                ? Parsed<double>.Of(double.PositiveInfinity)
                : Parsed<double>.Fail($"'{t}' is not allowed here; expected {DurationExpected}");
        }
        if (t.Length == 0)
        {
            return Parsed<double>.Fail($"expected {DurationExpected}, found nothing");
        }
        var bare = Number(t);
        if (bare.Ok)
        {
            return bare.Value == 0
                ? Parsed<double>.Of(0)
                : Parsed<double>.Fail($"'{t}' has no unit; expected {DurationExpected}");
        }
        double total = 0;
        int pos = 0;
        while (pos < t.Length)
        {
            var m = NextNumberThenUnit().Match(t, pos);
            if (!m.Success || m.Length == 0)
            {
                return Parsed<double>.Fail($"'{t}' is not a duration; expected {DurationExpected}");
            }
            string unit = m.Groups[2].Value;
            if (unit.Length == 0)
            {
                return Parsed<double>.Fail($"'{t}' has a number without a unit; expected {DurationExpected}");
            }
            if (!DurationUnits.TryGetValue(unit, out double scale))
            {
                return Parsed<double>.Fail($"unknown duration unit '{unit}' in '{t}'; expected {DurationExpected} (units: ns, us, ms, s, m, h, d)");
            }
            double v = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            total += v * scale;
            pos += m.Length;
        }
        if (total < 0 || double.IsNaN(total) || double.IsInfinity(total))
        {
            return Parsed<double>.Fail($"'{t}' is negative; expected {DurationExpected}");
        }
        return Parsed<double>.Of(total);
    }

    /// <summary>
    /// Parses a rate into events per second: <c>200/s</c>, <c>12000/min</c>, <c>5/h</c>, or a bare number
    /// taken as per second. Negative rates are rejected.
    /// </summary>
    public static Parsed<double> Rate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string expected = "a rate like 200/s, 12000/min or 0.1/s";
        string t = text.Trim();
        int slash = t.IndexOf('/', StringComparison.Ordinal);
        var count = Number(slash < 0 ? t : t[..slash]);
        if (!count.Ok)
        {
            return Parsed<double>.Fail($"'{t}' is not a rate; expected {expected}");
        }
        double per = 1;
        if (slash >= 0)
        {
            string unit = t[(slash + 1)..].Trim();
            if (!DurationUnits.TryGetValue(unit, out per))
            {
                var d = Duration(unit);
                if (!d.Ok || d.Value <= 0)
                {
                    return Parsed<double>.Fail($"unknown time unit '{unit}' in '{t}'; expected {expected}");
                }
                per = d.Value;
            }
        }
        if (count.Value < 0)
        {
            return Parsed<double>.Fail($"'{t}' is negative; expected {expected}");
        }
        return Parsed<double>.Of(count.Value / per);
    }

    /// <summary>
    /// Parses a size into bytes: <c>512B</c>, <c>1KiB</c>, <c>2MB</c>, a Kubernetes quantity (<c>512Mi</c>, <c>1Gi</c>,
    /// <c>100k</c>), or a bare number of bytes. kB/MB/GB are powers of 1000, KiB/MiB/GiB powers of 1024; Mb, Gb
    /// (bits) are refused, and so is the milli suffix (<c>500m</c> bytes).
    /// </summary>
    public static Parsed<double> Size(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string expected = "a size like 512B, 1KiB, 2MB";
        string t = text.Trim();
        var m = NumberThenUnit().Match(t);
        if (!m.Success || m.Length != t.Length)
        {
            return Parsed<double>.Fail($"'{t}' is not a size; expected {expected}");
        }
        string unit = m.Groups[2].Value;
        double v = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        double scale = 1;
        if (unit == "m")
        {
            return Parsed<double>.Fail($"'{t}': m is milli in a Kubernetes quantity (500m is 0.5), not a size; expected {expected}, 512Mi or 1Gi");
        }
        if (unit.Length > 0 && unit != "m" && QuantitySuffixes.TryGetValue(unit, out double q) && q >= 1)
        {
            scale = q;
        }
        else if (unit.Length > 0)
        {
            if (unit.Length == 2 && unit[1] == 'b' && char.IsLetter(unit[0]))
            {
                return Parsed<double>.Fail($"'{unit}' in '{t}' reads as bits; sizes are in bytes: write {char.ToUpperInvariant(unit[0])}B or {char.ToUpperInvariant(unit[0])}iB");
            }
            if (!SizeUnits.TryGetValue(unit, out scale))
            {
                return Parsed<double>.Fail($"unknown size unit '{unit}' in '{t}'; expected {expected} (units: B, kB, MB, GB, KiB, MiB, GiB, or a quantity suffix Ki, Mi, Gi, k, M, G)");
            }
        }
        if (v < 0)
        {
            return Parsed<double>.Fail($"'{t}' is negative; expected {expected}");
        }
        return Parsed<double>.Of(v * scale);
    }

    /// <summary>
    /// Parses a bandwidth into bits per second: <c>1Gbps</c>, <c>100Mbps</c>, <c>10Mbit/s</c>,
    /// <c>125MB/s</c> (bytes, times 8), or <c>infinity</c>. A bare number is refused (bits or bytes?).
    /// </summary>
    public static Parsed<double> Bandwidth(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string expected = "a bandwidth like 1Gbps, 100Mbps or 125MB/s";
        string t = text.Trim();
        if (IsNever(t) || t.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
        {
            return Parsed<double>.Of(double.PositiveInfinity);
        }
        var m = NumberThenUnit().Match(t);
        if (!m.Success)
        {
            return Parsed<double>.Fail($"'{t}' is not a bandwidth; expected {expected}");
        }
        string unit = m.Groups[2].Success ? t[m.Groups[2].Index..].Trim() : "";
        if (unit.Length == 0)
        {
            return Parsed<double>.Fail($"'{t}' has no unit; expected {expected}");
        }
        if (!BandwidthUnits.TryGetValue(unit, out double scale))
        {
            return Parsed<double>.Fail($"unknown bandwidth unit '{unit}' in '{t}'; expected {expected} (units: bps, kbps, Mbps, Gbps, Mbit/s, MB/s)");
        }
        double v = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (v <= 0)
        {
            return Parsed<double>.Fail($"'{t}' must be positive; expected {expected}");
        }
        return Parsed<double>.Of(v * scale);
    }

    /// <summary>Parses a fraction: <c>0.99</c> or <c>99%</c>, in [0, 1].</summary>
    public static Parsed<double> Fraction(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string expected = "a fraction like 0.99 or 99%";
        string t = text.Trim();
        bool percent = t.EndsWith('%');
        var n = Number(percent ? t[..^1] : t);
        if (!n.Ok)
        {
            return Parsed<double>.Fail($"'{t}' is not a fraction; expected {expected}");
        }
        double v = percent ? n.Value / 100 : n.Value;
        if (v < 0 || v > 1)
        {
            return Parsed<double>.Fail($"'{t}' is outside 0..1 (0%..100%); expected {expected}");
        }
        return Parsed<double>.Of(v);
    }

    /// <summary>Parses a strict dotted-quad IPv4 address (<c>192.168.1.10</c>) into a number.</summary>
    public static Parsed<uint> Ipv4(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        string[] parts = t.Split('.');
        uint value = 0;
        bool ok = parts.Length == 4;
        for (int i = 0; ok && i < 4; i++)
        {
            ok = parts[i].Length is > 0 and <= 3 && parts[i].All(char.IsAsciiDigit)
                && int.Parse(parts[i], CultureInfo.InvariantCulture) <= 255;
            if (ok)
            {
                value = (value << 8) | uint.Parse(parts[i], CultureInfo.InvariantCulture);
            }
        }
        return ok ? Parsed<uint>.Of(value) : Parsed<uint>.Fail($"'{t}' is not an IPv4 address; expected four numbers 0-255 like 192.168.1.10");
    }

    /// <summary>Writes an IPv4 address held as a number.</summary>
    public static string FormatIpv4(uint ip) =>
        string.Create(CultureInfo.InvariantCulture, $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}");

    /// <summary>True for the words that mean an unbounded duration.</summary>
    public static bool IsNever(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        return t.Equals("never", StringComparison.OrdinalIgnoreCase)
            || t.Equals("infinity", StringComparison.OrdinalIgnoreCase)
            || t.Equals("inf", StringComparison.OrdinalIgnoreCase)
            || t.Equals("forever", StringComparison.OrdinalIgnoreCase);
    }
}
