using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Benchmarks -- --filter '*' --warmupCount 3 --iterationCount 10`
// `dotnet Benchmarks/bin/Release/net10.0/Benchmarks.dll side-by-side --baseline DIR`: this build against another, in one process.
if (args is ["side-by-side", .. var rest])
{
    return Svcsim.Benchmarks.SideBySide.Run(rest);
}
BenchmarkSwitcher.FromAssembly(typeof(Svcsim.Benchmarks.HoldBenchmarks).Assembly).Run(args);
return 0;
