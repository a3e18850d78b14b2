using Svcsim.Queueing;

namespace Svcsim.Tests.Engine;

/// <summary>The closed forms the simulation is validated against, checked against independent computations.</summary>
public sealed class QueueingTheoryTests
{
    /// <summary>Erlang C straight from its textbook definition, summing a^k/k! term by term.</summary>
    private static double ErlangCBySum(int c, double a)
    {
        double term = 1, head = 0; // term = a^k / k!
        for (int k = 0; k < c; k++)
        {
            head += term;
            term *= a / (k + 1);
        }
        double tail = term * c / (c - a); // a^c/c! * 1/(1 - a/c)
        return tail / (head + tail);
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(1, 0.95)]
    [InlineData(2, 1.0)]
    [InlineData(2, 1.9)]
    [InlineData(3, 0.1)]
    [InlineData(4, 3.2)]
    [InlineData(5, 4.99)]
    [InlineData(8, 7.6)]
    [InlineData(10, 2.5)]
    public void Erlang_C_Equals_The_Direct_Finite_Sum(int c, double offeredLoad)
    {
        Assert.Equal(ErlangCBySum(c, offeredLoad), QueueingTheory.ErlangC(c, offeredLoad), 1e-12);
    }

    [Fact]
    public void Erlang_C_For_Many_Servers_Equals_The_Erlang_B_Recursion()
    {
        // Erlang B by the stable recursion B_k = a B_{k-1} / (k + a B_{k-1}), then C = c B / (c - a (1 - B)).
        const int c = 200;
        const double a = 190;
        double b = 1;
        for (int k = 1; k <= c; k++)
        {
            b = a * b / (k + a * b);
        }
        double expected = c * b / (c - a * (1 - b));
        Assert.Equal(expected, QueueingTheory.ErlangC(c, a), 1e-10);
    }

    [Fact]
    public void With_One_Server_The_Mmc_Formulas_Are_Those_Of_Mm1()
    {
        // M/M/1: P(wait) = rho, Wq = rho / (mu - lambda), W = 1 / (mu - lambda)
        const double lambda = 0.8, mu = 1.25;
        double rho = lambda / mu;
        Assert.Equal(rho, QueueingTheory.ErlangC(1, rho), 1e-14);
        Assert.Equal(rho / (mu - lambda), QueueingTheory.MmcMeanWait(1, lambda, mu), 1e-12);
        Assert.Equal(1 / (mu - lambda), QueueingTheory.MmcMeanResponse(1, lambda, mu), 1e-12);
    }

    [Fact]
    public void With_Two_Servers_The_Mean_Wait_Is_The_Known_Closed_Form()
    {
        // M/M/2: C = 2 rho^2 / (1 + rho), Wq = C / (2 mu - lambda)
        const double lambda = 1.5, mu = 1;
        double rho = lambda / (2 * mu);
        double c = 2 * rho * rho / (1 + rho);
        Assert.Equal(c / (2 * mu - lambda), QueueingTheory.MmcMeanWait(2, lambda, mu), 1e-12);
    }

    [Theory]
    [InlineData(1, 1, 0.5)]
    [InlineData(1, 5, 0.9)]
    [InlineData(1, 10, 1.0)]
    [InlineData(1, 4, 1.7)]
    public void Mm1K_Blocking_Equals_The_Geometric_Closed_Form(int c, int k, double rho)
    {
        // M/M/1/K: P(N = K) = (1 - rho) rho^K / (1 - rho^(K+1)), or 1/(K+1) at rho = 1
        double expected = rho == 1 ? 1.0 / (k + 1) : (1 - rho) * Math.Pow(rho, k) / (1 - Math.Pow(rho, k + 1));
        Assert.Equal(expected, QueueingTheory.MmcKBlocking(c, k, rho, 1), 1e-12);
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 1.5)]
    [InlineData(8, 6)]
    [InlineData(30, 35)]
    public void Mmcc_Blocking_Equals_Erlang_B(int c, double offeredLoad)
    {
        double b = 1;
        for (int k = 1; k <= c; k++)
        {
            b = offeredLoad * b / (k + offeredLoad * b);
        }
        Assert.Equal(b, QueueingTheory.MmcKBlocking(c, c, offeredLoad, 1), 1e-12);
    }

    [Fact]
    public void Mmck_Blocking_Is_Zero_Without_Arrivals()
    {
        Assert.Equal(0, QueueingTheory.MmcKBlocking(2, 5, 0, 1));
    }

    [Fact]
    public void Erlang_Arrivals_Mean_Wait_With_One_Phase_Is_The_Mm1_Wait()
    {
        // E_1/M/1 is M/M/1: Wq = rho / (mu - lambda)
        const double lambda = 0.7, mu = 1;
        Assert.Equal(0.7 / (mu - lambda), QueueingTheory.ErlangArrivalsMeanWait(1, lambda, mu), 1e-9);
    }

    [Theory]
    [InlineData(2, 1.6, 1.0)]
    [InlineData(3, 2.7, 1.0)]
    [InlineData(5, 2.0, 0.5)]
    public void Erlang_Arrivals_Mean_Wait_Solves_The_GIM1_Equation_By_Fixed_Point_Iteration(int n, double lambda, double mu)
    {
        // sigma is the smallest root in (0, 1) of sigma = A*(mu (1 - sigma)), A*(s) = (lambda / (lambda + s))^n.
        // Iterating sigma <- A*(mu (1 - sigma)) from 0 increases monotonically to that root: an independent
        // solution to Brent's.
        double sigma = 0;
        for (int i = 0; i < 100_000; i++)
        {
            sigma = Math.Pow(lambda / (lambda + mu * (1 - sigma)), n);
        }
        double expected = sigma / (mu * (1 - sigma));
        Assert.Equal(expected, QueueingTheory.ErlangArrivalsMeanWait(n, lambda, mu), 1e-7);
    }
}
