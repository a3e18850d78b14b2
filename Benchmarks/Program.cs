using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Benchmarks -- --filter '*' --warmupCount 3 --iterationCount 10`
BenchmarkSwitcher.FromAssembly(typeof(Svcsim.Benchmarks.HoldBenchmarks).Assembly).Run(args);
