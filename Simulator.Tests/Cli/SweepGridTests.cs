using Svcsim.Experiments;

namespace Svcsim.Tests.Cli;

/// <summary>How --param and --shard are read, and how the grid is numbered and shared out.</summary>
public sealed class SweepGridTests
{
    public static TheoryData<string, string, string[]> Axes() => new()
    {
        { "clients[0].rate=100/s,200/s", "clients[0].rate", ["100/s", "200/s"] },
        { " seed = 1 , 2 ", "seed", ["1", "2"] },
        { "duration=60s", "duration", ["60s"] },
        // Regression: values were cut at every comma, so flow YAML could not be swept.
        { "variants[0].addresses=[cp1],[w1, w2]", "variants[0].addresses", ["[cp1]", "[w1, w2]"] },
        { "faults[0]={kind: nodeCrash, node: w1, at: 30s},{kind: nodeCrash, node: w2, at: 30s}", "faults[0]",
            ["{kind: nodeCrash, node: w1, at: 30s}", "{kind: nodeCrash, node: w2, at: 30s}"] },
    };

    [Theory]
    [MemberData(nameof(Axes))]
    public void Param_Splits_Values_At_Commas_Outside_Brackets(string text, string path, string[] values)
    {
        var axis = SweepGrid.ParseAxis(text);

        Assert.NotNull(axis);
        Assert.Equal(path, axis.Path);
        Assert.Equal(values, axis.Values);
    }

    [Theory]
    [InlineData("clients[0].rate")]
    [InlineData("clients[0].rate=")]
    [InlineData("=1,2")]
    [InlineData(" =1,2")]
    [InlineData("seed=1,,2")]
    [InlineData("seed=1,")]
    [InlineData("variants[0].addresses=[cp1,[w1]")]
    [InlineData("variants[0].addresses=cp1],[w1]")]
    public void Malformed_Param_Is_Refused(string text) => Assert.Null(SweepGrid.ParseAxis(text));

    [Fact]
    public void Points_Are_Numbered_With_The_Last_Axis_Varying_Fastest()
    {
        var points = SweepGrid.Points([new SweepAxis("a", ["1", "2"]), new SweepAxis("b", ["x", "y", "z"])]);

        Assert.Equal(["a=1 b=x", "a=1 b=y", "a=1 b=z", "a=2 b=x", "a=2 b=y", "a=2 b=z"],
            points.Select(p => string.Join(' ', p.Overrides)));
        Assert.Equal(Enumerable.Range(0, 6), points.Select(p => p.Index));
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(3, 10)]
    [InlineData(4, 4)]
    [InlineData(5, 3)]
    public void Shards_Share_Out_Every_Point_Exactly_Once(int shards, int points)
    {
        for (int p = 0; p < points; p++)
        {
            Assert.Single(Enumerable.Range(1, shards), s => SweepGrid.InShard(p, s, shards));
        }
    }

    [Theory]
    [InlineData("1/3", 1, 3)]
    [InlineData("3/3", 3, 3)]
    [InlineData("1/1", 1, 1)]
    public void Shard_Reads_I_Of_N(string text, int shard, int shards) =>
        Assert.Equal((shard, shards), SweepGrid.ParseShard(text));

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1/0")]
    [InlineData("-1/3")]
    [InlineData("1")]
    [InlineData("1/3/5")]
    [InlineData("a/b")]
    public void Malformed_Shard_Is_Refused(string text) => Assert.Null(SweepGrid.ParseShard(text));
}
