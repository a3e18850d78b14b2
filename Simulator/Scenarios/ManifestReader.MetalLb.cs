namespace Svcsim.Scenarios;

/// <summary>A MetalLB IPAddressPool: its IPv4 address ranges in the order written.</summary>
internal sealed record PoolManifest(Node At, string Name, string Namespace, IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<(uint First, uint Last)> Ranges, bool AutoAssign, bool AvoidBuggyIps);

/// <summary>A MetalLB L2Advertisement or BGPAdvertisement: which pools it announces (no names, no selectors: all).</summary>
internal sealed record AdvertisementManifest(Node At, string Name, string Namespace, bool Bgp, IReadOnlyList<(string Pool, Node At)> Pools,
    IReadOnlyList<IReadOnlyDictionary<string, string>> PoolSelectors);

/// <summary>A MetalLB BGPPeer (counted: a BGP variant needs one).</summary>
internal sealed record PeerManifest(Node At, string Name, string Namespace);

/// <summary>MetalLB's custom resources.</summary>
internal static partial class ManifestReader
{
    private static readonly string[] PoolSpecKeys = ["addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation"];
    private static readonly string[] AdvertisementSpecKeys =
    [
        "ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "interfaces",
        "aggregationLength", "aggregationLengthV6", "localPref", "communities", "peers",
    ];

    private static PoolManifest? ReadPool(Map doc, string name, string ns, Map? metadata)
    {
        var spec = doc.Required("spec", "the pool's spec with addresses")?.AsMap()?.Check(PoolSpecKeys, UnknownKeys.Warn, what: "field");
        if (spec is null)
        {
            return null;
        }
        var ranges = new List<(uint, uint)>();
        foreach (var (text, at) in spec.Required("addresses", "a list of address ranges (a.b.c.d-a.b.c.e) or CIDRs (a.b.c.d/24)")?.Strings("an address range or CIDR") ?? [])
        {
            if (text.Contains(':', StringComparison.Ordinal))
            {
                // A dual-stack pool (MetalLB's own samples): IPv4 Services take addresses from its IPv4 ranges.
                at.Warn($"'{text}' is IPv6: skipped (svcsim simulates IPv4; IPv4 Services get their addresses from the IPv4 entries)");
                continue;
            }
            var r = AddressRange(text);
            if (r.Ok)
            {
                ranges.Add(r.Value);
            }
            else
            {
                at.Error(r.Error!);
            }
        }
        var labels = metadata?.Get("labels") is { } l ? Labels(l) : new Dictionary<string, string>();
        return new PoolManifest(doc.Self, name, ns, labels, ranges, spec.Bool("autoAssign", true), spec.Bool("avoidBuggyIPs", false));
    }

    /// <summary>An IPAddressPool entry: <c>a.b.c.d-a.b.c.e</c>, <c>a.b.c.d/nn</c> or a single address.</summary>
    public static Parsed<(uint First, uint Last)> AddressRange(string text)
    {
        const string expected = "expected a range like 192.168.1.11-192.168.1.19 or a CIDR like 192.168.1.0/24";
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return Parsed<(uint, uint)>.Fail($"'{text}' is IPv6; svcsim simulates IPv4 ({expected})");
        }
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (dash >= 0)
        {
            var a = Units.Ipv4(text[..dash]);
            var b = Units.Ipv4(text[(dash + 1)..]);
            if (!a.Ok || !b.Ok)
            {
                return Parsed<(uint, uint)>.Fail($"'{text}' is not an address range; {expected}");
            }
            return a.Value <= b.Value
                ? Parsed<(uint, uint)>.Of((a.Value, b.Value))
                : Parsed<(uint, uint)>.Fail($"'{text}' ends before it starts");
        }
        if (slash >= 0)
        {
            var a = Units.Ipv4(text[..slash]);
            var bits = Map.ParseInt(text[(slash + 1)..]);
            if (!a.Ok || !bits.Ok || bits.Value is < 0 or > 32)
            {
                return Parsed<(uint, uint)>.Fail($"'{text}' is not a CIDR; {expected}");
            }
            uint mask = bits.Value == 0 ? 0 : uint.MaxValue << (32 - bits.Value);
            return Parsed<(uint, uint)>.Of((a.Value & mask, (a.Value & mask) | ~mask));
        }
        var single = Units.Ipv4(text);
        return single.Ok ? Parsed<(uint, uint)>.Of((single.Value, single.Value)) : Parsed<(uint, uint)>.Fail($"'{text}': {expected}");
    }

    private static AdvertisementManifest ReadAdvertisement(Map doc, string name, string ns, bool bgp)
    {
        var spec = doc.Get("spec")?.AsMap()?.Check(AdvertisementSpecKeys, UnknownKeys.Warn, what: "field");
        var pools = spec?.Get("ipAddressPools")?.Strings("a list of IPAddressPool names") ?? [];
        var selectors = new List<IReadOnlyDictionary<string, string>>();
        foreach (var s in spec?.Get("ipAddressPoolSelectors")?.AsList("a list of label selectors") ?? [])
        {
            if (s.AsMap("a label selector with matchLabels")?.Get("matchLabels") is { } ml)
            {
                selectors.Add(Labels(ml));
            }
        }
        return new AdvertisementManifest(doc.Self, name, ns, bgp, pools, selectors);
    }
}
