using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Analysis;

/// <summary>
/// Tucker et al.'s decomposition Cov X_t = Σ_τ + Σ_a^b + Σ_s in closed form (docs/derivations.md §28), on the
/// 3-state, 2-action task of <see cref="ExactLqrTests"/> with H = 4, γ = 0.9, time-varying means and a correlated Σ_a.
/// Exact checks are to 1e-9 relative; Monte Carlo checks are per matrix entry within 5 standard errors of N seeded
/// samples (a false failure has probability ≈ 6e-7 per entry), each term from an unbiased estimator that does not
/// use the decomposition: independent continuations from a shared (s, a) give Var(Â | s, a), independent actions
/// from a shared s give Var_a, independent (a, continuation) from a shared s give Var_s.
/// </summary>
[TestFixture]
[Category("ExactGradients")]
public class LqgVarianceDecompositionTests
{
    private const double Discount = 0.9;
    private const int Horizon = 4;
    private const int Samples = 200_000;
    private const double Sigmas = 5;

    private static readonly Lqr Task = ExactLqrTests.ThreeByTwo(Horizon);

    private static OpenLoopGaussian Policy() => new(
        Enumerable.Range(0, Horizon).Select(t => Vector<double>.Build.DenseOfArray([0.3 - (0.2 * t), -0.4 + (0.3 * t)])).ToArray(),
        Matrix<double>.Build.DenseOfArray(new[,] { { 0.25, 0.05 }, { 0.05, 0.16 } }));

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Terms_sum_to_the_covariance_of_the_estimator_computed_over_the_whole_trajectory(int step)
    {
        var decomposition = new LqgVarianceDecomposition(Task, Policy(), Discount);
        (Matrix<double> covariance, Vector<double> mean) = WholeTrajectoryMoments(Policy(), step);
        Matrix<double> sum = decomposition.TrajectoryTerm(step) + decomposition.ActionTerm(step, LqgBaseline.None) + decomposition.StateTerm(step);
        double scale = covariance.Enumerate().Max(Math.Abs);
        Assert.Multiple(() =>
        {
            Assert.That((sum - covariance).InfinityNorm(), Is.LessThan(1e-9 * scale));
            Assert.That((decomposition.Total(step, LqgBaseline.None) - covariance).InfinityNorm(), Is.LessThan(1e-9 * scale));
            Assert.That((decomposition.Gradient(step) - mean).InfinityNorm(), Is.LessThan(1e-9 * mean.InfinityNorm()));
        });
    }

    [Test]
    public void Value_and_gradient_agree_with_ExactLqr_for_a_constant_mean_and_diagonal_covariance()
    {
        GaussianPolicy linear = GaussianPolicy.Linear(Task.StateDimension, Task.ActionSize, seed: 1, initialLogStd: -0.7, learnLogStd: false);
        int weights = Task.StateDimension * Task.ActionSize;
        double[] mu = [0.4, -0.3];
        linear.Parameters[..weights].Clear();
        mu.CopyTo(linear.Parameters[weights..]);
        var openLoop = new OpenLoopGaussian(
            Enumerable.Repeat(Vector<double>.Build.DenseOfArray(mu), Horizon).ToArray(),
            Matrix<double>.Build.DenseIdentity(2) * Math.Exp(-1.4));
        var decomposition = new LqgVarianceDecomposition(Task, openLoop, Discount);
        var gradient = new double[linear.ParameterCount];
        double j = ExactLqr.Gradient(Task, linear, gradient, Discount);
        Vector<double> biasGradient = Vector<double>.Build.Dense(2);
        for (int t = 0; t < Horizon; t++)
        {
            biasGradient += Math.Pow(Discount, t) * decomposition.Gradient(t);   // ∂J/∂k = Σ_t γᵗ ∂E[G_t]/∂μ_t
        }

        Assert.Multiple(() =>
        {
            Assert.That(decomposition.StateValue(0).Mean(Task.InitialMean, Task.InitialCovariance), Is.EqualTo(j).Within(1e-10 * Math.Abs(j)));
            Assert.That(biasGradient[0], Is.EqualTo(gradient[weights]).Within(1e-10 * biasGradient.L1Norm()));
            Assert.That(biasGradient[1], Is.EqualTo(gradient[weights + 1]).Within(1e-10 * biasGradient.L1Norm()));
        });
    }

    [TestCase(1.0)]
    [TestCase(0.5)]
    [TestCase(0.0)]
    public void Trajectory_term_matches_the_score_weighted_variance_of_two_continuations_from_one_state_action(double lambda)
    {
        (LqgVarianceDecomposition decomposition, Simulator simulator) = Setup(seed: 11, lambda);
        const int step = 1;
        Matrix<double>[] samples = Draw(Samples, () =>
        {
            (Vector<double> s, Vector<double> a) = simulator.StateAction(step);
            double difference = simulator.Target(step, s, a) - simulator.Target(step, s, a);
            Vector<double> g = simulator.Score(step, a);
            return g.OuterProduct(g) * (0.5 * difference * difference);   // E = E[g gᵀ Var(Â | s, a)]
        });
        AssertWithinStandardErrors(samples, decomposition.TrajectoryTerm(step));
    }

    /// <summary>
    /// The two estimates carry the exact action-value control variate, which leaves E[X | s] = E_a[g Q_t] unchanged
    /// (whatever Q is used, its correction E_a[g Q] cancels its mean) and removes Σ_a, so Σ_s is resolved.
    /// </summary>
    [Test]
    public void State_term_matches_the_covariance_of_two_estimates_sharing_only_the_state()
    {
        (LqgVarianceDecomposition decomposition, Simulator simulator) = Setup(seed: 12);
        const int step = 1;
        Vector<double> gradient = decomposition.Gradient(step);
        Matrix<double>[] samples = Draw(2 * Samples, () =>
        {
            Vector<double> s = simulator.State(step);
            Vector<double> first = simulator.Estimate(step, s, simulator.Action(step), LqgBaseline.ActionValue) - gradient;
            Vector<double> second = simulator.Estimate(step, s, simulator.Action(step), LqgBaseline.ActionValue) - gradient;
            return 0.5 * (first.OuterProduct(second) + second.OuterProduct(first));   // E = Var_s(E[X | s])
        });
        AssertWithinStandardErrors(samples, decomposition.StateTerm(step));
    }

    [TestCase(LqgBaseline.None)]
    [TestCase(LqgBaseline.StateValue)]
    public void Action_term_matches_the_covariance_of_two_actions_from_one_state_each_with_two_continuations(LqgBaseline baseline)
    {
        (LqgVarianceDecomposition decomposition, Simulator simulator) = Setup(seed: 13);
        const int step = 1;
        Matrix<double>[] samples = Draw(Samples, () =>
        {
            Vector<double> s = simulator.State(step);
            Vector<double> a1 = simulator.Action(step), a2 = simulator.Action(step);
            Vector<double> first = simulator.Estimate(step, s, a1, baseline) - simulator.Estimate(step, s, a2, baseline);
            Vector<double> second = simulator.Estimate(step, s, a1, baseline) - simulator.Estimate(step, s, a2, baseline);
            return 0.25 * (first.OuterProduct(second) + second.OuterProduct(first));   // E = E_s[Var_a(E[X | s, a])]
        });
        AssertWithinStandardErrors(samples, decomposition.ActionTerm(step, baseline));
    }

    /// <summary>
    /// The paper's claims in its own terms: the value baseline changes only Σ_a (to Σ_a^{φ(s)}), and the exact action
    /// value with its correction removes Σ_a altogether, leaving Σ_τ + Σ_s.
    /// </summary>
    [TestCase(LqgBaseline.None)]
    [TestCase(LqgBaseline.StateValue)]
    [TestCase(LqgBaseline.ActionValue)]
    public void Covariance_of_the_baselined_estimator_is_the_trajectory_and_state_terms_plus_its_action_term(LqgBaseline baseline)
    {
        (LqgVarianceDecomposition decomposition, Simulator simulator) = Setup(seed: 14);
        const int step = 1;
        Vector<double> gradient = decomposition.Gradient(step);
        Matrix<double>[] samples = Draw(Samples, () =>
        {
            (Vector<double> s, Vector<double> a) = simulator.StateAction(step);
            Vector<double> centred = simulator.Estimate(step, s, a, baseline) - gradient;
            return centred.OuterProduct(centred);
        });

        Matrix<double> expected = decomposition.TrajectoryTerm(step) + decomposition.StateTerm(step) + decomposition.ActionTerm(step, baseline);
        AssertWithinStandardErrors(samples, expected);
        if (baseline == LqgBaseline.ActionValue)
        {
            Assert.That(decomposition.ActionTerm(step, baseline).InfinityNorm(), Is.LessThan(1e-12 * expected.InfinityNorm()));
        }
    }

    [Test]
    public void Arguments_are_checked_with_the_argument_named()
    {
        OpenLoopGaussian shortPolicy = new([Vector<double>.Build.Dense(2)], Matrix<double>.Build.DenseIdentity(2));
        var decomposition = new LqgVarianceDecomposition(Task, Policy(), Discount);
        Assert.Multiple(() =>
        {
            Assert.That(() => new LqgVarianceDecomposition(Task, shortPolicy, Discount), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
            Assert.That(() => new LqgVarianceDecomposition(Task, Policy(), 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("discount"));
            Assert.That(() => new LqgVarianceDecomposition(Task, Policy(), Discount, -0.1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("lambda"));
            Assert.That(() => decomposition.TrajectoryTerm(Horizon), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => decomposition.ActionTerm(0, (LqgBaseline)7), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("baseline"));
            Assert.That(() => new OpenLoopGaussian([Vector<double>.Build.Dense(2)], Matrix<double>.Build.Dense(2, 2)), Throws.ArgumentException.With.Property("ParamName").EqualTo("covariance"));
            Assert.That(() => new OpenLoopGaussian([Vector<double>.Build.Dense(2), Vector<double>.Build.Dense(3)], Matrix<double>.Build.DenseIdentity(2)), Throws.ArgumentException.With.Property("ParamName").EqualTo("means"));
            Assert.That(() => QuadraticFunction.Zero(2).Evaluate(Vector<double>.Build.Dense(3)), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
            Assert.That(() => new QuadraticFunction(Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2.0 }, { 0.0, 1.0 } }), Vector<double>.Build.Dense(2), 0), Throws.ArgumentException.With.Property("ParamName").EqualTo("quadratic"));
        });
    }

    private static (LqgVarianceDecomposition Decomposition, Simulator Simulator) Setup(int seed, double lambda = 1)
    {
        var decomposition = new LqgVarianceDecomposition(Task, Policy(), Discount, lambda);
        return (decomposition, new Simulator(Policy(), decomposition, lambda, seed));
    }

    private static Matrix<double>[] Draw(int count, Func<Matrix<double>> sample) => Enumerable.Range(0, count).Select(_ => sample()).ToArray();

    // Each entry's sample mean within 5 standard errors of the exact entry, and the test able to see a 5% error.
    private static void AssertWithinStandardErrors(Matrix<double>[] samples, Matrix<double> exact)
    {
        int m = exact.RowCount;
        Assert.Multiple(() =>
        {
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < m; c++)
                {
                    double[] values = samples.Select(x => x[r, c]).ToArray();
                    double mean = values.Average();
                    double error = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Sum() / (values.Length - 1) / values.Length);
                    Assert.That(mean, Is.EqualTo(exact[r, c]).Within(Sigmas * error), $"entry ({r}, {c}), standard error {error}");
                }
            }

            double[] traces = samples.Select(x => x.Trace()).ToArray();
            double average = traces.Average();
            double traceError = Math.Sqrt(traces.Select(v => (v - average) * (v - average)).Sum() / (traces.Length - 1) / traces.Length);
            Assert.That(traceError, Is.LessThan(0.05 * exact.Trace()), "the test cannot resolve the trace to 5%");
        });
    }

    /// <summary>
    /// Cov X_t and E X_t for X_t = g_t G_t by brute force: every s_i, a_i is affine in the standard normal innovations
    /// z ∈ ℝᴰ of the whole episode, G_t = zᵀHz + hᵀz + c and g_t = Γz, so E X = Γh and, by Isserlis,
    /// E[X Xᵀ] = Γ{[c² + |h|² + 2c tr H + (tr H)² + 2 tr H²] I + 2hhᵀ + 4cH + 4 tr H·H + 8H²}Γᵀ.
    /// </summary>
    private static (Matrix<double> Covariance, Vector<double> Mean) WholeTrajectoryMoments(OpenLoopGaussian policy, int step)
    {
        var build = Matrix<double>.Build;
        int n = Task.StateDimension, m = Task.ActionSize, d = n + (Horizon * m) + ((Horizon - 1) * n);
        Matrix<double> start = Task.InitialCovariance.Cholesky().Factor, noise = Task.NoiseCovariance.Cholesky().Factor, action = policy.Covariance.Cholesky().Factor;
        Matrix<double> stateMap = build.Dense(n, d);
        stateMap.SetSubMatrix(0, 0, start);
        Vector<double> stateOffset = Task.InitialMean;
        Matrix<double> quadratic = build.Dense(d, d);
        Vector<double> linear = Vector<double>.Build.Dense(d);
        double constant = 0;
        Matrix<double> score = build.Dense(m, d);
        for (int i = 0; i < Horizon; i++)
        {
            Matrix<double> actionMap = build.Dense(m, d);
            actionMap.SetSubMatrix(0, n + (i * m), action);
            Vector<double> actionOffset = policy.Mean(i);
            if (i == step)
            {
                score.SetSubMatrix(0, n + (i * m), policy.Covariance.Inverse() * action);
            }

            if (i >= step)
            {
                double weight = -Math.Pow(Discount, i - step);
                foreach ((Matrix<double> map, Vector<double> offset, Matrix<double> cost) in new[] { (stateMap, stateOffset, Task.StateCost), (actionMap, actionOffset, Task.ActionCost) })
                {
                    quadratic += weight * map.TransposeThisAndMultiply(cost * map);
                    linear += 2 * weight * map.TransposeThisAndMultiply(cost * offset);
                    constant += weight * offset.DotProduct(cost * offset);
                }
            }

            Matrix<double> nextMap = (Task.Dynamics * stateMap) + (Task.Control * actionMap);
            if (i < Horizon - 1)
            {
                nextMap.SetSubMatrix(0, n + (Horizon * m) + (i * n), noise);
            }

            (stateMap, stateOffset) = (nextMap, (Task.Dynamics * stateOffset) + (Task.Control * actionOffset));
        }

        double trace = quadratic.Trace();
        Matrix<double> moment = (((constant * constant) + linear.DotProduct(linear) + (2 * constant * trace) + (trace * trace) + (2 * (quadratic * quadratic).Trace())) * build.DenseIdentity(d))
            + (2 * linear.OuterProduct(linear)) + (4 * constant * quadratic) + (4 * trace * quadratic) + (8 * quadratic * quadratic);
        Vector<double> mean = score * linear;
        return ((score * moment).TransposeAndMultiply(score) - mean.OuterProduct(mean), mean);
    }

    /// <summary>Samples the task under the open-loop policy with its own seeded generator; baselines come from the decomposition's exact V and Q.</summary>
    private sealed class Simulator(OpenLoopGaussian policy, LqgVarianceDecomposition decomposition, double lambda, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly Matrix<double> _start = Task.InitialCovariance.Cholesky().Factor;
        private readonly Matrix<double> _noise = Task.NoiseCovariance.Cholesky().Factor;
        private readonly Matrix<double> _action = policy.Covariance.Cholesky().Factor;
        private readonly Matrix<double> _precision = policy.Covariance.Inverse();
        private readonly Matrix<double> _a = Task.Dynamics, _b = Task.Control, _q = Task.StateCost, _r = Task.ActionCost;

        public Vector<double> State(int step)
        {
            Vector<double> s = Task.InitialMean + (_start * Normal(Task.StateDimension));
            for (int i = 0; i < step; i++)
            {
                s = Next(s, Action(i));
            }

            return s;
        }

        public Vector<double> Action(int step) => policy.Mean(step) + (_action * Normal(Task.ActionSize));

        public (Vector<double> State, Vector<double> Action) StateAction(int step) => (State(step), Action(step));

        public Vector<double> Score(int step, Vector<double> a) => _precision * (a - policy.Mean(step));

        /// <summary>Â_t along a fresh continuation from (s, a): Â_i = r_i + γ((1−λ) V_{i+1}(s_{i+1}) + λ Â_{i+1}), Â_{H−1} = r_{H−1}.</summary>
        public double Target(int step, Vector<double> s, Vector<double> a)
        {
            var rewards = new List<double>();
            var states = new List<Vector<double>>();
            for (int i = step; i < Horizon; i++)
            {
                states.Add(s);
                rewards.Add(-(s.DotProduct(_q * s) + a.DotProduct(_r * a)));
                if (i < Horizon - 1)
                {
                    s = Next(s, a);
                    a = Action(i + 1);
                }
            }

            double target = rewards[^1];
            for (int k = rewards.Count - 2; k >= 0; k--)
            {
                double bootstrap = lambda < 1 ? decomposition.StateValue(step + k + 1).Evaluate(states[k + 1]) : 0;
                target = rewards[k] + (Discount * (((1 - lambda) * bootstrap) + (lambda * target)));
            }

            return target;
        }

        /// <summary>X_t = g (Â − b) + E_a[g b] for b = 0, V_t(s) or Q_t(s, a) (whose E_a[g Q_t] = ∂Q_t/∂a at μ_t).</summary>
        public Vector<double> Estimate(int step, Vector<double> s, Vector<double> a, LqgBaseline baseline)
        {
            Vector<double> g = Score(step, a);
            double target = Target(step, s, a);
            QuadraticFunction q = decomposition.ActionValue(step);
            Vector<double> z = Vector<double>.Build.DenseOfEnumerable(s.Concat(a));
            Vector<double> atMean = Vector<double>.Build.DenseOfEnumerable(s.Concat(policy.Mean(step)));
            int n = Task.StateDimension, m = Task.ActionSize;
            return baseline switch
            {
                LqgBaseline.None => target * g,
                LqgBaseline.StateValue => (target - decomposition.StateValue(step).Evaluate(s)) * g,
                _ => ((target - q.Evaluate(z)) * g) + ((2 * q.Quadratic * atMean) + q.Linear).SubVector(n, m),
            };
        }

        private Vector<double> Next(Vector<double> s, Vector<double> a) => (_a * s) + (_b * a) + (_noise * Normal(Task.StateDimension));

        private Vector<double> Normal(int length) => Vector<double>.Build.Dense(length, _ => MathNet.Numerics.Distributions.Normal.Sample(_random, 0, 1));
    }
}
