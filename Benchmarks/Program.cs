using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Benchmarks -- --filter '*' --warmupCount 3 --iterationCount 10`
// `dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll side-by-side --baseline DIR`: this build against another, in one process.
// `dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll sweep-side-by-side`: an 8-point sweep at --parallel 1 and 2, in turn, in this process and in new ones.
// `dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll sizes-side-by-side --nodes 1000`: a simulated second at 1,000 nodes over 4, in one process.
if (args is ["side-by-side", .. var rest])
{
    return Svcsim.Benchmarks.SideBySide.Run(rest);
}
if (args is ["sweep-side-by-side", .. var sweep])
{
    return Svcsim.Benchmarks.SweepSideBySide.Run(sweep);
}
if (args is ["sizes-side-by-side", .. var sizes])
{
    return Svcsim.Benchmarks.SizesSideBySide.Run(sizes);
}
BenchmarkSwitcher.FromAssembly(typeof(Svcsim.Benchmarks.HoldBenchmarks).Assembly).Run(args);
return 0;
