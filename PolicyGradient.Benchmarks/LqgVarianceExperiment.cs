using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// Tucker et al. (2018)'s LQG variance decomposition reproduced exactly (docs/reproduction.md): the 2-D point mass of
/// their lqg/lqr.py (<c>testPointMass</c>: T = 100, γ = 0.99, dt = 0.05, Q = I, R = 0.01 I, Σ_w = S₀ = 10⁻⁵ I,
/// s₀ = (3, 4, 0.5, −0.5)), their open-loop policy a_t ~ N(μ_t, 10⁻⁴ I) with μ_t drawn by <c>np.random.seed(3)</c>,
/// trained by their update (exact ∇_{μ_t} E[G_t], momentum 0.1, step 0.001), and at chosen update counts the terms
/// Σ_τ (Monte Carlo return, GAE λ = 0.99 and λ = 0), Σ_s, Σ_a⁰ and Σ_a^{φ(s)} as log tr (their plots' log-sum-diag),
/// beside the expectation of their code's Σ_a estimates (which subtract a mis-stated E_a[g Q]).
/// </summary>
public static class LqgVarianceExperiment
{
    /// <summary>T, their horizon.</summary>
    public const int Horizon = 100;

    /// <summary>γ.</summary>
    public const double Discount = 0.99;

    /// <summary>The GAE λ of their plots besides the Monte Carlo return (λ = 1).</summary>
    public static IReadOnlyList<double> Lambdas { get; } = [1.0, 0.99, 0.0];

    /// <summary>Their point mass: s = (x, y, ẋ, ẏ), a = force; A = I + dt [[0, I], [0, 0]], B = [0; dt I], Q = I, R = 0.01 I, Σ_w = S₀ = 10⁻⁵ I.</summary>
    public static Lqr PointMass(int horizon = Horizon)
    {
        const double dt = 0.05;
        var build = Matrix<double>.Build;
        Matrix<double> a = build.DenseIdentity(4);
        a[0, 2] = dt;
        a[1, 3] = dt;
        Matrix<double> b = build.Dense(4, 2);
        b[2, 0] = dt;
        b[3, 1] = dt;
        return new Lqr(a, b, build.DenseIdentity(4), 0.01 * build.DenseIdentity(2), 1e-5 * build.DenseIdentity(4),
            Vector<double>.Build.DenseOfArray([3.0, 4.0, 0.5, -0.5]), 1e-5 * build.DenseIdentity(4), horizon, id: "PointMass-Tucker2018");
    }

    /// <summary>Their initial policy: μ = randn(T, 2)·√0.3 after <c>np.random.seed(seed)</c> (row t is μ_t), Σ_a = 10⁻⁴ I.</summary>
    public static OpenLoopGaussian InitialPolicy(int horizon = Horizon, uint seed = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        var normal = new NumPyLegacyNormal(seed);
        var means = new Vector<double>[horizon];
        for (int t = 0; t < horizon; t++)
        {
            means[t] = Vector<double>.Build.Dense(2, _ => normal.Next() * Math.Sqrt(0.3));
        }

        return new OpenLoopGaussian(means, 1e-4 * Matrix<double>.Build.DenseIdentity(2));
    }

    /// <summary>
    /// Their <c>optimize</c> with <c>ng = False, ignore_Sigma = True</c>: v ← ∇ (first update) or 0.1 v + 0.9 ∇,
    /// μ_t ← μ_t + 0.001 v_t, with the exact ∇_t = ∇_{μ_t} E[G_t]; yields the policy after each count in
    /// <paramref name="updates"/> (ascending, ≥ 0).
    /// </summary>
    public static IEnumerable<(int Updates, OpenLoopGaussian Policy)> Train(ILinearQuadraticModel task, OpenLoopGaussian policy, IReadOnlyList<int> updates)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(updates);
        if (updates.Count == 0 || updates[0] < 0 || updates.Zip(updates.Skip(1)).Any(p => p.Second <= p.First))
        {
            throw new ArgumentException("Expected ascending update counts ≥ 0.", nameof(updates));
        }

        return TrainIterator(task, policy, updates);
    }

    /// <summary>
    /// log Σ_i |M_ii| (their <c>logsumdiag</c>; log tr M for a covariance) and whether every M_ii &gt; 0.
    /// </summary>
    public static (double Value, bool Positive) LogSumDiagonal(Matrix<double> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Vector<double> diagonal = matrix.Diagonal();
        return (Math.Log(diagonal.L1Norm()), diagonal.ForAll(d => d > 0));
    }

    private static IEnumerable<(int Updates, OpenLoopGaussian Policy)> TrainIterator(ILinearQuadraticModel task, OpenLoopGaussian policy, IReadOnlyList<int> updates)
    {
        Vector<double>[] means = Enumerable.Range(0, policy.Steps).Select(policy.Mean).ToArray();
        Vector<double>[]? velocity = null;
        int done = 0;
        foreach (int mark in updates)
        {
            for (; done < mark; done++)
            {
                var exact = new LqgVarianceDecomposition(task, new OpenLoopGaussian(means, policy.Covariance), Discount);
                Vector<double>[] gradient = Enumerable.Range(0, policy.Steps).Select(exact.Gradient).ToArray();
                velocity = velocity is null ? gradient : velocity.Zip(gradient, (v, g) => (0.1 * v) + (0.9 * g)).ToArray();
                means = means.Zip(velocity, (mu, v) => mu + (0.001 * v)).ToArray();
            }

            yield return (mark, new OpenLoopGaussian(means, policy.Covariance));
        }
    }

    /// <summary>
    /// What their <c>est_sigma_a</c> estimates on average: it subtracts E_s[ĝ ĝᵀ] with ĝ = 2 P_as s + P_aa μ_t (their
    /// <c>batch_E_grad_mu_fn</c>) where E_a[g Q] = ĝ + δ, δ = P_aa μ_t + p_a, so its mean is Σ_a + ∇δᵀ + δ∇ᵀ − δδᵀ
    /// for Q_t = zᵀPz + pᵀz + c over z = (s, a).
    /// </summary>
    public static Matrix<double> TheirActionTermMean(LqgVarianceDecomposition decomposition, OpenLoopGaussian policy, int step, LqgBaseline baseline)
    {
        ArgumentNullException.ThrowIfNull(decomposition);
        ArgumentNullException.ThrowIfNull(policy);
        QuadraticFunction q = decomposition.ActionValue(step);
        int m = policy.ActionSize, n = q.Dimension - m;
        Vector<double> delta = (q.Quadratic.SubMatrix(n, m, n, m) * policy.Mean(step)) + q.Linear.SubVector(n, m);
        Vector<double> gradient = decomposition.Gradient(step);
        return decomposition.ActionTerm(step, baseline) + gradient.OuterProduct(delta) + delta.OuterProduct(gradient) - delta.OuterProduct(delta);
    }

    /// <summary>Prints, per update count (default 0, 10, 100, 1000), the terms at t = 0, T/10, …, T − 2 as a markdown table, and the ratios over all steps t &lt; T − 1; T ≥ 2.</summary>
    public static void Run(TextWriter output, IReadOnlyList<int>? updates = null, int horizon = Horizon)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 2);
        updates ??= [0, 10, 100, 1000];
        Lqr task = PointMass(horizon);
        int[] steps = Enumerable.Range(0, 10).Select(i => i * horizon / 10).Append(horizon - 2).Where(t => t >= 0).Distinct().ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Point mass of Tucker et al. (2018) lqg/lqr.py: T = {horizon}, γ = {Discount}, open-loop a_t ~ N(μ_t, 1e-4 I), μ from np.random.seed(3); exact terms, log tr (natural log); * = their estimate's mean has a negative diagonal entry (log Σ|diag|)."));
        foreach ((int count, OpenLoopGaussian policy) in Train(task, InitialPolicy(horizon), updates))
        {
            LqgVarianceDecomposition[] byLambda = Lambdas.Select(l => new LqgVarianceDecomposition(task, policy, Discount, l)).ToArray();
            LqgVarianceDecomposition exact = byLambda[0];
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#updates = {count}"));
            output.WriteLine();
            output.WriteLine("| t | Σ_τ | Σ_τ GAE(0.99) | Σ_τ GAE(0) | Σ_s | Σ_a⁰ | Σ_a^φ(s) | their mean Σ̂_a⁰ | their mean Σ̂_a^φ(s) | tr Σ_a^φ(s) / tr Σ_τ |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (int t in steps)
            {
                Matrix<double> tau = exact.TrajectoryTerm(t), actionV = exact.ActionTerm(t, LqgBaseline.StateValue);
                string[] cells =
                [
                    .. byLambda.Select(d => Log(d.TrajectoryTerm(t))),
                    Log(exact.StateTerm(t)),
                    Log(exact.ActionTerm(t, LqgBaseline.None)),
                    Log(actionV),
                    Log(TheirActionTermMean(exact, policy, t, LqgBaseline.None)),
                    Log(TheirActionTermMean(exact, policy, t, LqgBaseline.StateValue)),
                    (actionV.Trace() / tau.Trace()).ToString("E2", CultureInfo.InvariantCulture),
                ];
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {t} | {string.Join(" | ", cells)} |"));
            }

            double[] ratios = Enumerable.Range(0, horizon - 1).Select(t => exact.ActionTerm(t, LqgBaseline.StateValue).Trace() / exact.TrajectoryTerm(t).Trace()).ToArray();
            double[] ratiosGae0 = Enumerable.Range(0, horizon - 1).Select(t => exact.ActionTerm(t, LqgBaseline.StateValue).Trace() / byLambda[2].TrajectoryTerm(t).Trace()).ToArray();
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Over t < {horizon - 1}: tr Σ_a^φ(s) / tr Σ_τ from {ratios.Min():E2} to {ratios.Max():E2}; / tr Σ_τ GAE(0) from {ratiosGae0.Min():E2} to {ratiosGae0.Max():E2}; J = E[G_0] = {exact.StateValue(0).Mean(task.InitialMean, task.InitialCovariance):F3}."));
        }
    }

    private static string Log(Matrix<double> matrix)
    {
        (double value, bool positive) = LogSumDiagonal(matrix);
        return value.ToString("F2", CultureInfo.InvariantCulture) + (positive ? string.Empty : "*");
    }
}
