using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Svcsim.Engine;
using Svcsim.Experiments;
using Svcsim.Queueing;

namespace Svcsim.Cli;

/// <summary>
/// <c>svcsim bench</c>: a quick speed check a user can run in a few seconds. Prints one line of
/// key=value pairs, ending in <c>customers_per_s=</c> (queueing models) or <c>requests_per_s=</c> (scenarios).
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "Engine model to time: mm1, mm4 or hold (with --pending).",
            DefaultValueFactory = _ => "mm1",
        };
        model.AcceptOnlyFromAmong("mm1", "mm4", "hold");
        var customers = new Option<long>("--customers")
        {
            Description = "Customers (mm1, mm4) or events (hold) to simulate.",
            DefaultValueFactory = _ => 10_000_000,
        };
        var pending = new Option<int>("--pending")
        {
            Description = "Pending events for the hold model.",
            DefaultValueFactory = _ => 1000,
        };
        var seed = new Option<long>("--seed") { Description = "Master seed.", DefaultValueFactory = _ => 1 };
        var scenario = new Option<FileInfo?>("--scenario")
        {
            Description = "Scenario file: time its traffic through the full data path instead of an engine model.",
        };
        var requests = new Option<long>("--requests")
        {
            Description = "With --scenario: requests to complete.",
            DefaultValueFactory = _ => 1_000_000,
        };
        var variant = new Option<int>("--variant")
        {
            Description = "With --scenario: index of the way of access to time (0 = the first).",
            DefaultValueFactory = _ => 0,
        };
        var baseline = new Option<bool>("--baseline")
        {
            Description = "Also time the same model as a bare PriorityQueue loop and print the ratio.",
        };

        var cmd = new Command("bench", "Measure simulation speed on this machine and print one result line.")
        {
            model, customers, pending, seed, baseline, scenario, requests, variant,
        };
        cmd.SetAction(parse =>
        {
            long n = parse.GetValue(customers);
            if (n <= 0)
            {
                Console.Error.WriteLine("svcsim bench: --customers must be positive");
                return SvcsimCommand.ExitInvalidInput;
            }
            if (parse.GetValue(pending) is < 1 or > EventQueue.MaxPending)
            {
                Console.Error.WriteLine($"svcsim bench: --pending must be from 1 to {EventQueue.MaxPending}");
                return SvcsimCommand.ExitInvalidInput;
            }
            var file = parse.GetValue(scenario);
            if (file is not null)
            {
                return BenchScenario(file.FullName, parse.GetValue(requests), parse.GetValue(variant));
            }
            string m = parse.GetValue(model)!;
            var line = m == "hold"
                ? BenchHold(parse.GetValue(pending), n, parse.GetValue(seed), parse.GetValue(baseline))
                : BenchMmc(m == "mm4" ? 4 : 1, n, parse.GetValue(seed), parse.GetValue(baseline));
            Console.WriteLine(line);
            return SvcsimCommand.ExitOk;
        });
        return cmd;
    }

    private static string BenchMmc(int servers, long customers, long seed, bool withBaseline)
    {
        // Load 0.9 per server: long busy periods, a realistic heap size.
        double mu = 1.0, lambda = 0.9 * servers;
        var sim = new Simulation(new RandomStreams(seed, 0));
        var q = new MmcQueue(sim, Distribution.Exponential(1 / lambda), Distribution.Exponential(1 / mu), servers);
        q.Start();
        var sw = Stopwatch.StartNew();
        // Run in slices so the arrival count, not a time horizon, decides the end.
        long horizon = Time.FromSeconds(customers / lambda);
        sim.Run(horizon);
        sw.Stop();
        double secs = sw.Elapsed.TotalSeconds;
        var s = Inv($"model=mm{servers} customers={q.Arrivals} mean_response_s={q.Response.Mean:F4} theory_s={QueueingTheory.MmcMeanResponse(servers, lambda, mu):F4} seconds={secs:F3} events={sim.EventsProcessed} events_per_s={sim.EventsProcessed / secs:F0}");
        if (withBaseline && servers == 1)
        {
            var bw = Stopwatch.StartNew();
            BareLoop.Mm1(q.Arrivals, lambda, mu, seed);
            bw.Stop();
            double bareRate = q.Arrivals / bw.Elapsed.TotalSeconds;
            s += Inv($" baseline_customers_per_s={bareRate:F0} ratio={q.Arrivals / secs / bareRate:F2}");
        }
        return s + Inv($" customers_per_s={q.Arrivals / secs:F0}");
    }

    private static string BenchHold(int pending, long events, long seed, bool withBaseline)
    {
        var sim = new Simulation(new RandomStreams(seed, 0), pending);
        _ = new HoldModel(sim, pending);
        var sw = Stopwatch.StartNew();
        while (sim.EventsProcessed < events)
        {
            sim.Run(sim.Now + Time.Second * 10);
        }
        sw.Stop();
        double secs = sw.Elapsed.TotalSeconds;
        var s = Inv($"model=hold pending={pending} events={sim.EventsProcessed} seconds={secs:F3}");
        if (withBaseline)
        {
            var bw = Stopwatch.StartNew();
            BareLoop.Hold(pending, sim.EventsProcessed, seed);
            bw.Stop();
            double bare = sim.EventsProcessed / bw.Elapsed.TotalSeconds;
            s += Inv($" baseline_events_per_s={bare:F0} ratio={sim.EventsProcessed / secs / bare:F2}");
        }
        return s + Inv($" events_per_s={sim.EventsProcessed / secs:F0}");
    }

    private static int BenchScenario(string path, long requests, int variantIndex)
    {
        if (CommonOptions.TryLoad(path, []) is not { Spec: var spec })
        {
            return SvcsimCommand.ExitInvalidInput;
        }
        if (!CommonOptions.CheckCost(path, CostEstimate.Of(spec), force: true))
        {
            return SvcsimCommand.ExitInvalidInput;
        }
        if (requests <= 0 || variantIndex < 0 || variantIndex >= spec.Variants.Count)
        {
            Console.Error.WriteLine($"svcsim bench: --requests must be positive and --variant within 0..{spec.Variants.Count - 1}");
            return SvcsimCommand.ExitInvalidInput;
        }
        // Long enough that arrivals never stop before the count is reached, with no warm-up.
        double rate = spec.Clients.Sum(c => c.Rate > 0 ? c.Rate : c.Users / Math.Max(c.ThinkTime.Mean, 1e-3));
        var timed = spec with
        {
            DurationS = Math.Max(spec.DurationS, 2 * requests / Math.Max(rate, 1e-9)),
            Measurement = spec.Measurement with { WarmupS = 0 },
        };
        // Building the world (cluster, pods, proxies) and running its traffic are timed apart: setup grows
        // with the cluster, traffic should not.
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var setup = Stopwatch.StartNew();
        var runner = new VariantRunner(timed, timed.Variants[variantIndex], 0);
        setup.Stop();
        long built = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        long done = runner.RunUntilRequests(requests);
        sw.Stop();
        double secs = sw.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - built;
        Console.WriteLine(Inv($"scenario={spec.Name} variant={timed.Variants[variantIndex].Name} nodes={spec.Nodes.Count} pods={runner.Model.AllPods.Count} setup_s={setup.Elapsed.TotalSeconds:F3} setup_allocated_mb={(built - before) / 1048576.0:F1} requests={done} seconds={secs:F3} events={runner.Simulation.EventsProcessed} events_per_s={runner.Simulation.EventsProcessed / secs:F0} allocated_mb={allocated / 1048576.0:F1} peak_working_set_mb={PeakWorkingSetMb():F0} requests_per_s={done / secs:F0}"));
        return SvcsimCommand.ExitOk;
    }

    /// <summary>The process's peak resident set (VmHWM on Linux), in MiB; the current one where the peak is not known.</summary>
    private static double PeakWorkingSetMb()
    {
        using var self = Process.GetCurrentProcess();
        long peak = self.PeakWorkingSet64;
        return (peak > 0 ? peak : Environment.WorkingSet) / 1048576.0;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
