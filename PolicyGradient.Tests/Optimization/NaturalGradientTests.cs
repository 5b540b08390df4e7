using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Tests.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;
using PolicyGradient.Tests.Analysis;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Optimization;

[TestFixture]
[Category("ExactGradients")]
public class NaturalGradientTests
{
    private static double[] Gradient(Policy policy, TrajectoryBatch batch)
    {
        var g = new double[policy.ParameterCount];
        new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true)).Estimate(policy, batch, g);
        return g;
    }

    private static double Norm(IEnumerable<double> v) => Math.Sqrt(v.Sum(x => x * x));

    /// <summary>
    /// F̂ from 3 CartPole episodes has rank ≤ T &lt; P = 114, so λ = 1e-2 makes the system definite with condition number
    /// κ = (λ_max + λ)/λ; conjugate gradient stopped at relative residual ε = 1e-12 is then within κ ε of the solution
    /// (times 10 for rounding in both solvers). The Fisher–vector product equals the formed F̂ times v to rounding.
    /// </summary>
    [Test]
    public void Conjugate_gradient_equals_cholesky_within_condition_number_times_tolerance()
    {
        var policy = SoftmaxPolicy.Mlp(4, [16], 2, seed: 3);
        TrajectoryBatch batch = EstimatorTests.SampleBatch(() => new CartPole(), policy, 3, seed: 5);
        var fisher = new FisherEstimate();
        fisher.Compute(policy, batch);
        int p = policy.ParameterCount;
        var dense = new double[p * p];
        fisher.CopyTo(dense);
        double[] g = Gradient(policy, batch);
        const double damping = 1e-2, tolerance = 1e-12;
        var cholesky = new double[p];
        var cg = new double[p];
        NaturalGradient.SolveCholesky(dense, damping, g, cholesky);
        int iterations = NaturalGradient.SolveConjugateGradient(fisher.Multiply, damping, g, cg, 10 * p, tolerance);
        double largest = Matrix<double>.Build.Dense(p, p, dense).Evd(Symmetricity.Symmetric).EigenValues.Real().Maximum();
        double kappa = (largest + damping) / damping;

        var v = Enumerable.Range(0, p).Select(i => Math.Sin(i + 1.0)).ToArray();
        var product = new double[p];
        fisher.Multiply(v, product);
        double[] formed = Enumerable.Range(0, p).Select(i => Enumerable.Range(0, p).Sum(j => dense[(i * p) + j] * v[j])).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(Norm(cg.Zip(cholesky, (a, b) => a - b)), Is.LessThanOrEqualTo(10 * kappa * tolerance * Norm(cholesky)), $"κ = {kappa:E2}, {iterations} iterations");
            Assert.That(Norm(product.Zip(formed, (a, b) => a - b)), Is.LessThanOrEqualTo(1e-12 * Norm(formed)));
            Assert.That(batch.StepCount, Is.LessThan(p), "the estimate is rank deficient, so the damping matters");
        });
    }

    public static IEnumerable<TestCaseData> ExactFisherCases()
    {
        yield return new TestCaseData("tabular").SetName("Tabular_S5_A3_H6_linear_softmax");
        yield return new TestCaseData("lqr").SetName("Lqr_3x2_linear_gaussian_learned_log_std");
    }

    /// <summary>
    /// M = 400 independent batches of 25 episodes: every entry of the mean F̂ lies within 5 standard errors of the
    /// exact Fisher (P² ≤ 324 entries, so a false alarm has probability below 324 · 6e-7).
    /// </summary>
    [TestCaseSource(nameof(ExactFisherCases))]
    public void Batch_fisher_estimate_is_unbiased_for_the_exact_trajectory_fisher(string kind)
    {
        Policy policy;
        Func<TaskEnvironment> task;
        double[] exact;
        if (kind == "tabular")
        {
            TabularMdp mdp = TabularMdp.Random(5, 3, 6, seed: 2);
            var softmax = SoftmaxPolicy.Linear(5, 3, seed: 2);
            var random = new Random(4);
            for (int k = 0; k < softmax.ParameterCount; k++)
            {
                softmax.Parameters[k] = (2 * random.NextDouble()) - 1;
            }

            (policy, task) = (softmax, () => TabularMdp.Random(5, 3, 6, seed: 2));
            exact = new double[policy.ParameterCount * policy.ParameterCount];
            ExactMdp.Fisher(mdp, policy, exact);
        }
        else
        {
            Lqr lqr = ExactLqrTests.ThreeByTwo();
            GaussianPolicy gaussian = ExactLqrTests.RandomLinearGaussian(lqr, learnLogStd: true, seed: 4);
            (policy, task) = (gaussian, () => ExactLqrTests.ThreeByTwo());
            exact = new double[policy.ParameterCount * policy.ParameterCount];
            ExactLqr.Fisher(lqr, gaussian, exact);
        }

        const int batches = 400;
        int p2 = exact.Length;
        var sum = new double[p2];
        var sumSquares = new double[p2];
        var estimate = new FisherEstimate();
        var matrix = new double[p2];
        for (int m = 0; m < batches; m++)
        {
            estimate.Compute(policy, EstimatorTests.SampleBatch(task, policy, 25, seed: 100 + m));
            estimate.CopyTo(matrix);
            for (int e = 0; e < p2; e++)
            {
                sum[e] += matrix[e];
                sumSquares[e] += matrix[e] * matrix[e];
            }
        }

        for (int e = 0; e < p2; e++)
        {
            double mean = sum[e] / batches;
            double standardError = Math.Sqrt(Math.Max(0, (sumSquares[e] - (batches * mean * mean)) / (batches - 1)) / batches);
            Assert.That(mean, Is.EqualTo(exact[e]).Within((5 * standardError) + (1e-12 * Math.Abs(exact[e]))), $"entry {e}");
        }
    }

    /// <summary>
    /// For μ = K̃ x̃ (K̃ = [K k], x̃ = (x, 1)) and Σ_a = diag σ², F⁻¹∇J in the mean parameters is ΔK̃ = Σ_a G̃ M̄⁻¹ with
    /// G̃ = ∂J/∂K̃ and M̄ = Σ_t E[x̃_t x̃_tᵀ], and for log σ_j it is (∂J/∂log σ_j)/(2H). The library's step (Cholesky on
    /// ExactLqr.Fisher, λ = 0) applied to θ must move K̃ and log σ by exactly that, to rounding (1e-9 relative).
    /// </summary>
    [Test]
    public void Natural_step_with_the_exact_fisher_equals_the_closed_form_on_lqr()
    {
        Lqr task = ExactLqrTests.ThreeByTwo(horizon: 8);
        GaussianPolicy policy = ExactLqrTests.RandomLinearGaussian(task, learnLogStd: true, seed: 6);
        int p = policy.ParameterCount, n = task.StateDimension, m = task.ActionSize;
        var gradient = new double[p];
        var fisher = new double[p * p];
        var step = new double[p];
        ExactLqr.Gradient(task, policy, gradient);
        ExactLqr.Fisher(task, policy, fisher);
        NaturalGradient.SolveCholesky(fisher, 0, gradient, step);

        // the closed form, from the moments of x̃ and G̃ read off by perturbing each entry of θ (μ is affine in θ)
        Matrix<double> before = MeanMap(policy), gTilde = Matrix<double>.Build.Dense(m, n + 1);
        for (int k = 0; k < policy.Approximator.ParameterCount; k++)
        {
            policy.Parameters[k] += 1;
            gTilde += gradient[k] * (MeanMap(policy) - before); // θ_f is a permutation of K̃'s entries
            policy.Parameters[k] -= 1;
        }

        var logStd = new double[m];
        policy.LogStd(logStd);
        Matrix<double> sigma2 = Matrix<double>.Build.DiagonalOfDiagonalArray(logStd.Select(l => Math.Exp(2 * l)).ToArray());
        Matrix<double> expected = sigma2 * gTilde * Moments(task, before, sigma2).Inverse();

        double[] theta = policy.Parameters.ToArray();
        for (int k = 0; k < p; k++)
        {
            policy.Parameters[k] += step[k];
        }

        Matrix<double> actual = MeanMap(policy) - before;
        theta.CopyTo(policy.Parameters);
        Assert.Multiple(() =>
        {
            Assert.That((actual - expected).InfinityNorm(), Is.LessThanOrEqualTo(1e-9 * expected.InfinityNorm()));
            for (int j = 0; j < m; j++)
            {
                int index = policy.Approximator.ParameterCount + j;
                Assert.That(step[index], Is.EqualTo(gradient[index] / (2.0 * task.MaxEpisodeSteps)).Within(1e-12 * Math.Abs(gradient[index])));
            }
        });
    }

    /// <summary>With α large, η = √(2δ / ĝᵀx): the quadratic KL model ½ Δθᵀ(F̂ + λI)Δθ = η² ĝᵀx / 2 equals δ.</summary>
    [Test]
    public void Kl_step_has_quadratic_kl_equal_to_the_radius()
    {
        var policy = SoftmaxPolicy.Linear(4, 2, seed: 1);
        TrajectoryBatch batch = EstimatorTests.SampleBatch(() => new CartPole(), policy, 4, seed: 2);
        double[] g = Gradient(policy, batch);
        const double radius = 0.01, damping = 1e-3;
        var optimizer = new NaturalGradient(1e6, damping, klRadius: radius);
        optimizer.Observe(policy, batch);
        double[] before = policy.Parameters.ToArray();
        Assert.That(optimizer.Step(policy.Parameters, g).Applied);
        double[] delta = policy.Parameters.ToArray().Zip(before, (a, b) => a - b).ToArray();
        var fDelta = new double[delta.Length];
        optimizer.Fisher.Multiply(delta, fDelta);
        double kl = 0.5 * delta.Select((d, k) => d * (fDelta[k] + (damping * d))).Sum();
        Assert.That(kl, Is.EqualTo(radius).Within(1e-9 * radius));
    }

    [Test]
    public void Natural_gradient_training_improves_the_exact_lqr_objective()
    {
        GaussianPolicy policy = GaussianPolicy.Linear(2, 1, seed: 1, initialLogStd: -0.5);
        Lqr task = Lqr.Default();
        double before = ExactLqr.Objective(task, policy);
        var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true));
        var options = new TrainerOptions { EpisodesPerIteration = 10, MaxEnvironmentSteps = 30 * 10 * 50, Seed = 1, Threads = 1 };
        new Trainer(() => Lqr.Default(), policy, estimator, new NaturalGradient(1.0, klRadius: 0.05), options).Train();
        double after = ExactLqr.Objective(task, policy);
        double optimum = ExactLqr.OptimalObjective(task);
        Assert.That(optimum - after, Is.LessThan(0.2 * (optimum - before)), $"J: {before} → {after}, J* = {optimum}");
    }

    [Test]
    public void Bad_settings_and_a_step_before_observe_are_refused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new NaturalGradient(0.1, damping: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("damping"));
            Assert.That(() => new NaturalGradient(0.1, klRadius: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("klRadius"));
            Assert.That(() => new NaturalGradient(0.1, solver: (FisherSolver)7), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("solver"));
            Assert.That(() => new NaturalGradient(0.1, maxIterations: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxIterations"));
            Assert.That(() => new NaturalGradient(0.1, tolerance: double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("tolerance"));
            Assert.That(() => new NaturalGradient(0.1).Step(new double[3], new double[3]), Throws.InvalidOperationException);
            Assert.That(() => NaturalGradient.SolveCholesky(new double[4], 0, new double[3], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("fisher"));
            Assert.That(() => NaturalGradient.SolveCholesky(new double[4], 0, new double[2], new double[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("fisher").And.Message.Contains("damping"));
            Assert.That(() => new FisherEstimate().Multiply(new double[1], new double[1]), Throws.InvalidOperationException);
        });
    }

    // K̃ = [K k]: [m, n + 1] from the mean action at the unit vectors and at 0.
    private static Matrix<double> MeanMap(GaussianPolicy policy)
    {
        int n = policy.ObservationSize, m = policy.ActionSize;
        var x = new double[n];
        var mu = new double[m];
        Matrix<double> map = Matrix<double>.Build.Dense(m, n + 1);
        policy.MeanAction(x, mu);
        map.SetColumn(n, mu);
        for (int j = 0; j < n; j++)
        {
            x[j] = 1;
            policy.MeanAction(x, mu);
            x[j] = 0;
            map.SetColumn(j, Vector<double>.Build.DenseOfArray(mu) - map.Column(n));
        }

        return map;
    }

    // M̄ = Σ_t E[x̃_t x̃_tᵀ] under μ = K̃ x̃ by the forward moment recursion.
    private static Matrix<double> Moments(Lqr task, Matrix<double> map, Matrix<double> sigma2)
    {
        int n = task.StateDimension;
        Matrix<double> gain = map.SubMatrix(0, map.RowCount, 0, n), b = task.Control;
        Vector<double> bias = map.Column(n), mean = task.InitialMean;
        Matrix<double> covariance = task.InitialCovariance, closed = task.Dynamics + (b * gain), total = Matrix<double>.Build.Dense(n + 1, n + 1);
        for (int t = 0; t < task.MaxEpisodeSteps; t++)
        {
            Vector<double> tilde = Vector<double>.Build.Dense(n + 1, i => i < n ? mean[i] : 1.0);
            Matrix<double> second = tilde.OuterProduct(tilde);
            second.SetSubMatrix(0, 0, second.SubMatrix(0, n, 0, n) + covariance);
            total += second;
            mean = (closed * mean) + (b * bias);
            covariance = (closed * covariance * closed.Transpose()) + (b * sigma2 * b.Transpose()) + task.NoiseCovariance;
        }

        return total;
    }
}
