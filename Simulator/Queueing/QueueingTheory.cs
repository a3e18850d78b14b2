using MathNet.Numerics;

namespace Svcsim.Queueing;

/// <summary>Closed forms of the stations the simulation is validated against.</summary>
public static class QueueingTheory
{
    /// <summary>
    /// Erlang C: probability that an arrival to an M/M/c queue waits, with offered load a = λ/μ
    /// (requires a &lt; c). Computed as P(N &gt;= c) through the regularised upper incomplete gamma
    /// function: sum_{k&lt;c} a^k/k! = e^a Q(c, a).
    /// </summary>
    public static double ErlangC(int c, double offeredLoad)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        double a = offeredLoad;
        if (a <= 0)
        {
            return 0;
        }
        if (a >= c)
        {
            return 1;
        }
        double rho = a / c;
        // term = a^c / c! * 1/(1-rho); head = sum_{k<c} a^k/k! = e^a * Q(c, a)
        double logTerm = c * Math.Log(a) - SpecialFunctions.GammaLn(c + 1) - Math.Log(1 - rho);
        double logHead = a + Math.Log(SpecialFunctions.GammaUpperRegularized(c, a));
        return 1 / (1 + Math.Exp(logHead - logTerm));
    }

    /// <summary>Mean wait in the queue of an M/M/c station with arrival rate λ and service rate μ per server.</summary>
    public static double MmcMeanWait(int c, double lambda, double mu) => ErlangC(c, lambda / mu) / (c * mu - lambda);

    /// <summary>Mean time in system of an M/M/c station.</summary>
    public static double MmcMeanResponse(int c, double lambda, double mu) => MmcMeanWait(c, lambda, mu) + 1 / mu;

    /// <summary>
    /// Blocking probability of an M/M/c/K station, where K counts every place in the system
    /// (c in service plus K - c waiting): P(N = K) of the truncated birth-death chain.
    /// </summary>
    public static double MmcKBlocking(int c, int capacity, double lambda, double mu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, c);
        double a = lambda / mu;
        if (a <= 0)
        {
            return 0; // no arrivals, no blocking (and log(0) below would make 0 x -inf = NaN)
        }
        // Unnormalised p_n in log space: n <= c: a^n/n!; n > c: a^c/c! * (a/c)^(n-c).
        double logMax = double.NegativeInfinity;
        var logs = new double[capacity + 1];
        for (int n = 0; n <= capacity; n++)
        {
            logs[n] = n <= c
                ? n * Math.Log(a) - SpecialFunctions.GammaLn(n + 1)
                : c * Math.Log(a) - SpecialFunctions.GammaLn(c + 1) + (n - c) * Math.Log(a / c);
            logMax = Math.Max(logMax, logs[n]);
        }
        double sum = 0;
        foreach (var l in logs)
        {
            sum += Math.Exp(l - logMax);
        }
        return Math.Exp(logs[capacity] - logMax) / sum;
    }

    /// <summary>
    /// Mean wait of a D/M/1-type queue fed by every N-th arrival of a Poisson stream (an E_N/M/1 queue:
    /// Erlang-N inter-arrivals with rate λ/N, exponential service μ). The GI/M/1 result: W = σ / (μ (1 - σ)),
    /// where σ in (0, 1) solves σ = A*(μ (1 - σ)) and A* is the Laplace transform of the inter-arrival
    /// time, here (λ / (λ + s))^N.
    /// </summary>
    public static double ErlangArrivalsMeanWait(int n, double lambdaTotal, double mu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        double sigma = GiM1Sigma(s => Math.Pow(lambdaTotal / (lambdaTotal + s), n), mu);
        return sigma / (mu * (1 - sigma));
    }

    /// <summary>Solves σ = A*(μ(1 − σ)) on (0, 1) (Brent's method from MathNet); A* is the inter-arrival Laplace transform.</summary>
    public static double GiM1Sigma(Func<double, double> laplace, double mu)
    {
        ArgumentNullException.ThrowIfNull(laplace);
        // f(σ) = A*(μ(1-σ)) - σ is positive at 0 and negative just below the trivial root 1 when ρ < 1.
        return MathNet.Numerics.RootFinding.Brent.FindRoot(s => laplace(mu * (1 - s)) - s, 1e-12, 1 - 1e-9, 1e-13, 500);
    }
}
