using System.CommandLine;
using Svcsim.Scenarios;

namespace Svcsim.Cli;

/// <summary><c>svcsim generate</c>: writes a scenario for a cluster of a given size to standard output.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Nodes in all, control planes included.", Required = true };
        var podsPerNode = new Option<int>("--pods-per-node") { Description = "Pods per worker.", DefaultValueFactory = _ => 3 };
        var services = new Option<int>("--services") { Description = "Deployments, each behind its own LoadBalancer Service.", DefaultValueFactory = _ => 1 };
        var zones = new Option<int>("--zones") { Description = "Zones the nodes are spread over.", DefaultValueFactory = _ => 1 };
        var controlPlanes = new Option<int>("--control-planes") { Description = "Control-plane nodes.", DefaultValueFactory = _ => 1 };
        var rate = new Option<double>("--rate") { Description = "Requests per second to the first Service.", DefaultValueFactory = _ => 1000 };
        var duration = new Option<string>("--duration") { Description = "Simulated duration, e.g. 5m.", DefaultValueFactory = _ => "5m" };
        var crashAt = new Option<string>("--crash-at") { Description = "When worker w1 crashes, e.g. 60s, or 'none'.", DefaultValueFactory = _ => "60s" };
        var variants = new Option<string>("--variants")
        {
            Description = "Ways of access, comma-separated: nodeport, cloud-lb, metallb-l2, metallb-bgp.",
            DefaultValueFactory = _ => "nodeport,cloud-lb",
        };
        var proxyMode = new Option<string>("--proxy-mode") { Description = "kube-proxy mode: iptables, nftables or ipvs.", DefaultValueFactory = _ => "iptables" };
        var name = new Option<string>("--name") { Description = "Scenario name (default: generated-<nodes>-nodes).", DefaultValueFactory = _ => "" };
        var cmd = new Command("generate", "Write a scenario for a large cluster (nodes, zones, Deployments and Services as manifests) to standard output.")
        {
            nodes, podsPerNode, services, zones, controlPlanes, rate, duration, crashAt, variants, proxyMode, name,
        };
        cmd.SetAction(parse =>
        {
            var errors = new List<string>();
            double? Seconds(string option, string text, bool allowNone)
            {
                if (allowNone && text.Trim() is "none" or "never")
                {
                    return null;
                }
                var parsed = Units.Duration(text);
                if (parsed.Ok)
                {
                    return parsed.Value;
                }
                errors.Add($"{option} '{text}': {parsed.Error}{(allowNone ? ", or none" : "")}");
                return 0;
            }
            double durationS = Seconds("--duration", parse.GetValue(duration)!, allowNone: false) ?? 0;
            double? crash = Seconds("--crash-at", parse.GetValue(crashAt)!, allowNone: true);
            var options = new GeneratorOptions(
                parse.GetValue(nodes), parse.GetValue(podsPerNode), parse.GetValue(services), parse.GetValue(zones),
                parse.GetValue(controlPlanes), parse.GetValue(rate), durationS, crash,
                parse.GetValue(variants)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                parse.GetValue(proxyMode)!, parse.GetValue(name)!);
            if (errors.Count == 0)
            {
                errors.AddRange(ScenarioGenerator.Check(options));
            }
            if (errors.Count > 0)
            {
                foreach (var e in errors)
                {
                    Console.Error.WriteLine($"svcsim generate: {e}");
                }
                return SvcsimCommand.ExitInvalidInput;
            }
            Console.Out.Write(ScenarioGenerator.Write(options));
            return SvcsimCommand.ExitOk;
        });
        return cmd;
    }
}
