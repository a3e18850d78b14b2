using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Benchmarks -- --filter '*' --job short`
BenchmarkSwitcher.FromAssembly(typeof(Svcsim.Benchmarks.HoldBenchmarks).Assembly).Run(args);
