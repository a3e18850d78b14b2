using Svcsim.Engine;

namespace Svcsim.Access.Ingress;

/// <summary>
/// ingress-nginx's <c>load-balance: ewma</c> (rootfs/etc/nginx/lua/balancer/ewma.lua), one per controller pod:
/// its workers share the scores (the lua_shared_dict balancer_ewma), keyed by endpoint.
/// <list type="bullet">
/// <item>After a request, its last upstream's score moves towards the request's connect time plus response time:
/// <c>ewma = ewma·w + rtt·(1 − w)</c>, <c>w = exp(−Δt / DECAY_TIME)</c>, Δt the time since the endpoint's
/// score was last touched, DECAY_TIME 10 s (a first observation is the rtt itself: the score starts at 0 touched at 0).</item>
/// <item>A score read to choose decays towards 0 by the same weight: <c>ewma·exp(−Δt / 10 s)</c>; it is not
/// multiplied by requests in flight (finagle's PeakEwma is; ingress-nginx's port is not).</item>
/// <item>Choice: two distinct endpoints at random (PICK_SET_SIZE 2, a partial Fisher–Yates shuffle), the lower
/// decayed score, the first drawn on a tie; endpoints the request has tried already are left out while others
/// remain (ngx.ctx.balancer_ewma_tried_endpoints); one endpoint: that one.</item>
/// <item>When the endpoints change, the removed ones' scores are deleted and each new one starts at the mean
/// score of the endpoints that have one, touched now (slow start), so it is not flooded.</item>
/// </list>
/// </summary>
/// <typeparam name="T">An endpoint.</typeparam>
internal sealed class EwmaBalancer<T>
    where T : class
{
    /// <summary>ewma.lua's DECAY_TIME, seconds.</summary>
    public const double DecayTimeS = 10;

    private readonly Dictionary<T, (double Ewma, long Touched)> _scores = new(ReferenceEqualityComparer.Instance);
    private readonly List<T> _filtered = [];

    /// <summary>Scores kept now (for tests).</summary>
    public int Count => _scores.Count;

    /// <summary>The decayed score of <paramref name="peer"/> at <paramref name="now"/>, seconds (0 when it has none).</summary>
    public double Score(T peer, long now)
    {
        if (!_scores.TryGetValue(peer, out var e))
        {
            return 0;
        }
        return e.Ewma * Weight(now - e.Touched);
    }

    /// <summary>A request's last upstream answered (or failed) after <paramref name="rtt"/>: its score moves towards it.</summary>
    public void Observe(T peer, long rtt, long now)
    {
        // No score yet: ewma.lua's 0 touched at the epoch, long ago, so the first observation is the rtt itself.
        double w = _scores.TryGetValue(peer, out var e) ? Weight(now - e.Touched) : 0;
        _scores[peer] = ((e.Ewma * w) + (Time.ToSeconds(rtt) * (1 - w)), now);
    }

    /// <summary>The endpoint for the next try: two at random among those not tried yet, the lower decayed score.</summary>
    /// <param name="peers">The endpoints (not changed).</param>
    /// <param name="tried">The endpoints this request has tried; the choice is added.</param>
    /// <param name="random">The controller's random stream.</param>
    /// <param name="now">The time.</param>
    public T Pick(IReadOnlyList<T> peers, List<T> tried, Random random, long now)
    {
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(tried);
        ArgumentNullException.ThrowIfNull(random);
        if (peers.Count == 1)
        {
            return peers[0];
        }
        IReadOnlyList<T> from = peers;
        if (tried.Count > 0)
        {
            _filtered.Clear();
            foreach (var p in peers)
            {
                if (!tried.Contains(p))
                {
                    _filtered.Add(p);
                }
            }
            // Every endpoint tried already: all of them again.
            from = _filtered.Count > 0 ? _filtered : peers;
        }
        T chosen;
        int n = from.Count;
        if (n == 1)
        {
            chosen = from[0];
        }
        else
        {
            int x = random.Next(n), y = random.Next(n - 1);
            if (y >= x)
            {
                y++;
            }
            chosen = Score(from[y], now) < Score(from[x], now) ? from[y] : from[x];
        }
        tried.Add(chosen);
        return chosen;
    }

    /// <summary>The endpoints changed from <paramref name="before"/> to <paramref name="after"/>: removed scores go, new endpoints start at the mean.</summary>
    public void Sync(IReadOnlyList<T>? before, IReadOnlyList<T> after, long now)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null)
        {
            return; // the balancer is new: every endpoint starts without a score
        }
        var kept = new HashSet<T>(after, ReferenceEqualityComparer.Instance);
        foreach (var p in before)
        {
            if (!kept.Contains(p))
            {
                _scores.Remove(p);
            }
        }
        var old = new HashSet<T>(before, ReferenceEqualityComparer.Instance);
        double sum = 0;
        int having = 0;
        foreach (var p in after)
        {
            if (_scores.TryGetValue(p, out var e))
            {
                sum += e.Ewma; // the stored value, undecayed, as calculate_slow_start_ewma reads it
                having++;
            }
        }
        if (having == 0)
        {
            return;
        }
        foreach (var p in after)
        {
            if (!old.Contains(p))
            {
                _scores[p] = (sum / having, now);
            }
        }
    }

    private static double Weight(long elapsed) => Math.Exp(-Math.Max(0, Time.ToSeconds(elapsed)) / DecayTimeS);
}
