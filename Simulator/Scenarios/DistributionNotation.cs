using Svcsim.Engine;

namespace Svcsim.Scenarios;

/// <summary>What the values of a distribution measure.</summary>
public enum Quantity
{
    /// <summary>Durations (<c>5ms</c>), held in seconds.</summary>
    Duration,
    /// <summary>Sizes (<c>1KiB</c>), held in bytes.</summary>
    Size,
}

/// <summary>
/// Reads distributions written as scenario files write them: <c>exp(mean=5ms)</c>,
/// <c>constant(2ms)</c> or a bare <c>2ms</c>, <c>uniform(min=1ms, max=3ms)</c>,
/// <c>normal(mean=.., sd=..)</c>, <c>lognormal(mean=2ms, sd=0.5ms)</c>,
/// <c>weibull(shape=1.5, scale=10m)</c>, <c>erlang(k=2, mean=5ms)</c>, <c>gamma(shape=2, mean=5ms)</c>,
/// <c>empirical(1ms, 2ms, 5ms)</c>. Parameters may be named or given in order.
/// </summary>
public static class DistributionNotation
{
    private enum Arg
    {
        Value,   // a duration or size, by the distribution's quantity
        Number,  // a plain positive number (shape)
        Integer, // a positive whole number (Erlang k)
    }

    private sealed record Family(string Name, (string Name, Arg Kind)[] Params, Func<double[], Distribution> Make);

    private static readonly Family[] Families =
    [
        new("constant", [("value", Arg.Value)], a => Distribution.Constant(a[0])),
        new("exponential", [("mean", Arg.Value)], a => Distribution.Exponential(a[0])),
        new("uniform", [("min", Arg.Value), ("max", Arg.Value)], a => Distribution.Uniform(a[0], a[1])),
        new("normal", [("mean", Arg.Value), ("sd", Arg.Value)], a => Distribution.Normal(a[0], a[1])),
        new("lognormal", [("mean", Arg.Value), ("sd", Arg.Value)], a => Distribution.LogNormal(a[0], a[1])),
        new("weibull", [("shape", Arg.Number), ("scale", Arg.Value)], a => Distribution.Weibull(a[0], a[1])),
        new("erlang", [("k", Arg.Integer), ("mean", Arg.Value)], a => Distribution.Erlang((int)a[0], a[1])),
        new("gamma", [("shape", Arg.Number), ("mean", Arg.Value)], a => Distribution.Gamma(a[0], a[1])),
    ];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["const"] = "constant", ["fixed"] = "constant", ["exp"] = "exponential", ["gaussian"] = "normal",
        ["lognorm"] = "lognormal", ["log-normal"] = "lognormal",
    };

    /// <summary>The family names accepted (for messages and the schema).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["constant", "exp", "exponential", "uniform", "normal", "lognormal", "weibull", "erlang", "gamma", "empirical"];

    /// <summary>Parses <paramref name="text"/> as a distribution of <paramref name="quantity"/>.</summary>
    public static Parsed<Distribution> Parse(string text, Quantity quantity)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int open = t.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            // A bare value is a constant.
            var v = ParseValue(t, quantity);
            return v.Ok
                ? Parsed<Distribution>.Of(Distribution.Constant(v.Value))
                : Parsed<Distribution>.Fail($"{v.Error}, or a distribution like {Example(quantity)}");
        }
        if (!t.EndsWith(')'))
        {
            // Unquoted inside a YAML flow mapping, "uniform(min=1ms, max=3ms)" arrives cut at its comma.
            string why = !t.Contains(',', StringComparison.Ordinal)
                ? " (inside { } or [ ] a comma ends the value: quote it, \"uniform(min=1ms, max=3ms)\", or use block style)"
                : "";
            return Parsed<Distribution>.Fail($"'{t}' lacks its closing ')'{why}; expected a distribution like {Example(quantity)}");
        }
        string name = t[..open].Trim();
        string canonical = Aliases.TryGetValue(name, out var alias) ? alias : name.ToLowerInvariant();
        string[] args = t[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries);
        if (args.Length == 1 && args[0].Length == 0)
        {
            args = [];
        }
        if (canonical == "empirical")
        {
            return Empirical(t, args, quantity);
        }
        var family = Families.FirstOrDefault(f => f.Name == canonical);
        if (family is null)
        {
            string hint = Suggest.Closest(name, Names) is { } s ? $" (did you mean '{s}'?)" : "";
            return Parsed<Distribution>.Fail($"unknown distribution '{name}'{hint}; expected one of {string.Join(", ", Names)}");
        }
        return WithParams(t, family, args, quantity);
    }

    private static Parsed<Distribution> WithParams(string text, Family family, string[] args, Quantity quantity)
    {
        var values = new double?[family.Params.Length];
        int positional = 0;
        string signature = $"{family.Name}({string.Join(", ", family.Params.Select(p => p.Name + "=.."))})";
        foreach (string arg in args)
        {
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            int index;
            string valueText;
            if (eq < 0)
            {
                index = positional++;
                valueText = arg;
                if (index >= values.Length)
                {
                    return Parsed<Distribution>.Fail($"too many parameters in '{text}'; expected {signature}");
                }
            }
            else
            {
                string key = arg[..eq].Trim();
                valueText = arg[(eq + 1)..].Trim();
                index = Array.FindIndex(family.Params, p => p.Name.Equals(key, StringComparison.OrdinalIgnoreCase));
                if (index < 0)
                {
                    string hint = Suggest.Closest(key, family.Params.Select(p => p.Name)) is { } s ? $" (did you mean '{s}'?)" : "";
                    return Parsed<Distribution>.Fail($"unknown parameter '{key}'{hint} in '{text}'; expected {signature}");
                }
            }
            if (values[index] is not null)
            {
                return Parsed<Distribution>.Fail($"parameter '{family.Params[index].Name}' given twice in '{text}'");
            }
            var parsed = ParseArg(valueText, family.Params[index].Kind, quantity);
            if (!parsed.Ok)
            {
                return Parsed<Distribution>.Fail($"{family.Params[index].Name} in '{text}': {parsed.Error}");
            }
            values[index] = parsed.Value;
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null)
            {
                return Parsed<Distribution>.Fail($"'{text}' lacks {family.Params[i].Name}; expected {signature}");
            }
        }
        return Make(text, () => family.Make(values.Select(v => v!.Value).ToArray()));
    }

    private static Parsed<Distribution> Empirical(string text, string[] args, Quantity quantity)
    {
        if (args.Length == 0)
        {
            return Parsed<Distribution>.Fail($"'{text}' has no values; expected empirical({Example(quantity, bare: true)}, ...)");
        }
        var values = new double[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            var v = ParseValue(args[i], quantity);
            if (!v.Ok)
            {
                return Parsed<Distribution>.Fail($"value {i + 1} of '{text}': {v.Error}");
            }
            values[i] = v.Value;
        }
        return Make(text, () => Distribution.Empirical(values));
    }

    private static Parsed<Distribution> Make(string text, Func<Distribution> make)
    {
        try
        {
            return Parsed<Distribution>.Of(make());
        }
        catch (ArgumentException e)
        {
            // The engine's factories check their own domains (positive mean, max >= min...).
            string why = e is ArgumentOutOfRangeException { ParamName: { } p } ? $"{p} must be positive" : e.Message.Split(" (Parameter")[0];
            return Parsed<Distribution>.Fail($"'{text}' is not a valid distribution: {why}");
        }
    }

    private static Parsed<double> ParseArg(string text, Arg kind, Quantity quantity)
    {
        switch (kind)
        {
            case Arg.Value:
                return ParseValue(text, quantity);
            case Arg.Integer:
                var n = Units.Number(text);
                return n.Ok && n.Value >= 1 && n.Value == Math.Floor(n.Value)
                    ? n
                    : Parsed<double>.Fail($"expected a whole number of at least 1, found '{text}'");
            default:
                var x = Units.Number(text);
                return x.Ok && x.Value > 0 ? x : Parsed<double>.Fail($"expected a positive number, found '{text}'");
        }
    }

    private static Parsed<double> ParseValue(string text, Quantity quantity) =>
        quantity == Quantity.Duration ? Units.Duration(text) : Units.Size(text);

    private static string Example(Quantity quantity, bool bare = false) => (quantity, bare) switch
    {
        (Quantity.Duration, true) => "1ms",
        (Quantity.Duration, false) => "exp(mean=5ms)",
        (_, true) => "1KiB",
        _ => "exp(mean=1KiB)",
    };
}
