using PolicyGradient.Analysis;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

/// <summary>
/// The contract every policy keeps, written once against <see cref="Policy"/> and run for every head and
/// approximator in <see cref="PolicyCase.All"/>: softmax, Gaussian and Beta, linear and MLP.
/// </summary>
[TestFixture]
[Category("GradientCheck")]
public class PolicyContractTests
{
    public static IEnumerable<PolicyCase> Cases => PolicyCase.All();

    /// <summary>Fourth-order differences at h = 1e-4 err by ≈ 1e-12 relative; 1e-6 leaves room for ReLU kinks nearby.</summary>
    [TestCaseSource(nameof(Cases))]
    public void Score_matches_central_finite_differences(PolicyCase policyCase)
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            Policy policy = policyCase.Build(seed);
            var random = new Random(seed);
            for (int trial = 0; trial < 3; trial++)
            {
                (double[] s, double[] a) = PolicyCase.RandomInput(policy, random);
                GradientCheckResult result = GradientCheck.Score(policy, s, a);
                Assert.That(result.MaxRelativeError, Is.LessThanOrEqualTo(1e-6), $"seed {seed}, trial {trial}: {result}");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Entropy_gradient_matches_central_finite_differences(PolicyCase policyCase)
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            Policy policy = policyCase.Build(seed);
            var random = new Random(seed);
            for (int trial = 0; trial < 3; trial++)
            {
                double[] s = TestData.Uniform(random, policy.ObservationSize, -2, 2);
                GradientCheckResult result = GradientCheck.EntropyGradient(policy, s);
                Assert.That(result.MaxRelativeError, Is.LessThanOrEqualTo(1e-6), $"seed {seed}, trial {trial}: {result}");
            }
        }
    }

    /// <summary>
    /// A single row is a batch of one and gradients accumulate rows in ascending order, so the batched score over 37
    /// rows in chunks of 8 equals 37 single-row calls into the same buffer, bit for bit.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Batched_score_equals_the_single_row_scores_bit_for_bit(PolicyCase policyCase)
    {
        (Policy policy, double[] observations, double[] actions, double[] weights) = Rows(policyCase, 37);
        int n = policy.ObservationSize, w = policy.ActionWidth;
        var rowByRow = new double[policy.ParameterCount];
        for (int r = 0; r < weights.Length; r++)
        {
            policy.AccumulateScore(observations.AsSpan(r * n, n), actions.AsSpan(r * w, w), weights[r], rowByRow);
        }

        var batched = new double[policy.ParameterCount];
        policy.AccumulateScores(observations, actions, weights, batched, policy.CreateWorkspace(8));
        Assert.That(Bits(batched), Is.EqualTo(Bits(rowByRow)));
    }

    /// <summary>
    /// Past one chunk the definition is gradient += P₀ + P₁ + … with each chunk's P_c summed from zero row by row: 700
    /// rows (three chunks of 256) on 1, 2 and 3 threads and workspace capacities 1, 64 and 256 give exactly that sum,
    /// built here from single-row calls.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Batched_gradients_over_several_chunks_have_the_same_bits_on_any_number_of_threads(PolicyCase policyCase)
    {
        (Policy policy, double[] observations, double[] actions, double[] weights) = Rows(policyCase, 700);
        int n = policy.ObservationSize, w = policy.ActionWidth, p = policy.ParameterCount;
        double[] start = TestData.Uniform(new Random(1), p), score = (double[])start.Clone(), entropy = (double[])start.Clone();
        PolicyWorkspace one = policy.CreateWorkspace(1);
        for (int c = 0; c < weights.Length; c += Policy.GradientChunkRows)
        {
            double[] scorePart = new double[p], entropyPart = new double[p];
            for (int r = c; r < Math.Min(c + Policy.GradientChunkRows, weights.Length); r++)
            {
                policy.AccumulateScore(observations.AsSpan(r * n, n), actions.AsSpan(r * w, w), weights[r], scorePart);
                policy.AccumulateEntropyGradients(observations.AsSpan(r * n, n), weights.AsSpan(r, 1), entropyPart, one);
            }

            for (int k = 0; k < p; k++)
            {
                score[k] += scorePart[k];
                entropy[k] += entropyPart[k];
            }
        }

        Assert.Multiple(() =>
        {
            foreach ((int threads, int capacity) in new[] { (1, 256), (2, 64), (3, 1), (3, 256) })
            {
                PolicyWorkspace workspace = policy.CreateWorkspace(capacity, threads);
                double[] batchedScore = (double[])start.Clone(), batchedEntropy = (double[])start.Clone();
                policy.AccumulateScores(observations, actions, weights, batchedScore, workspace);
                policy.AccumulateEntropyGradients(observations, weights, batchedEntropy, workspace);
                Assert.That(Bits(batchedScore), Is.EqualTo(Bits(score)), $"score, {threads} threads, capacity {capacity}");
                Assert.That(Bits(batchedEntropy), Is.EqualTo(Bits(entropy)), $"entropy, {threads} threads, capacity {capacity}");
            }
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void Batched_entropy_gradient_equals_the_single_row_gradients_bit_for_bit(PolicyCase policyCase)
    {
        (Policy policy, double[] observations, _, double[] weights) = Rows(policyCase, 37);
        int n = policy.ObservationSize;
        var rowByRow = new double[policy.ParameterCount];
        PolicyWorkspace one = policy.CreateWorkspace(1);
        for (int r = 0; r < weights.Length; r++)
        {
            policy.AccumulateEntropyGradients(observations.AsSpan(r * n, n), weights.AsSpan(r, 1), rowByRow, one);
        }

        var batched = new double[policy.ParameterCount];
        policy.AccumulateEntropyGradients(observations, weights, batched, policy.CreateWorkspace(8));
        Assert.That(Bits(batched), Is.EqualTo(Bits(rowByRow)));
    }

    [TestCaseSource(nameof(Cases))]
    public void Batched_log_probabilities_equal_the_single_row_values_bit_for_bit(PolicyCase policyCase)
    {
        (Policy policy, double[] observations, double[] actions, double[] weights) = Rows(policyCase, 37);
        int n = policy.ObservationSize, w = policy.ActionWidth;
        var batched = new double[weights.Length];
        policy.LogProbabilities(observations, actions, batched, policy.CreateWorkspace(8));
        double[] single = Enumerable.Range(0, weights.Length).Select(r => policy.LogProbability(observations.AsSpan(r * n, n), actions.AsSpan(r * w, w))).ToArray();
        Assert.That(Bits(batched), Is.EqualTo(Bits(single)));
    }

    /// <summary>
    /// Sample returns log π of the action it drew with exactly the bits LogProbability gives for that action (the
    /// softmax head draws and normalises from one set of exponentials; the others call LogProbability).
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Sample_returns_the_log_probability_of_its_action_bit_for_bit(PolicyCase policyCase) =>
        AssertSampleReturnsLogProbability(policyCase.Build(3), new Random(5));

    /// <summary>The same with 100 actions, more than the softmax head keeps on the stack.</summary>
    [Test]
    public void Sample_returns_the_log_probability_of_its_action_bit_for_bit_with_many_actions()
    {
        Policy policy = SoftmaxPolicy.Linear(3, 100, seed: 4);
        var random = new Random(6);
        TestData.Uniform(random, policy.ParameterCount, -3, 3).CopyTo(policy.Parameters);
        AssertSampleReturnsLogProbability(policy, random);
    }

    /// <summary>
    /// The batched sample gives row r the action and log π that the single-row sample draws at s_r with the same
    /// generator state, bit for bit: across chunks of the workspace (37 rows, capacity 8) for every head, and with 100
    /// actions (the softmax head's vectorised pass beside its rented single-row weights).
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Batched_sample_draws_the_single_row_actions_and_log_probabilities_bit_for_bit(PolicyCase policyCase) =>
        AssertBatchedSampleEqualsSingleRows(policyCase.Build(3), 37);

    /// <inheritdoc cref="Batched_sample_draws_the_single_row_actions_and_log_probabilities_bit_for_bit"/>
    [Test]
    public void Batched_sample_draws_the_single_row_actions_and_log_probabilities_bit_for_bit_with_many_actions()
    {
        Policy policy = SoftmaxPolicy.Linear(3, 100, seed: 4);
        TestData.Uniform(new Random(6), policy.ParameterCount, -3, 3).CopyTo(policy.Parameters);
        AssertBatchedSampleEqualsSingleRows(policy, 37);
    }

    private static void AssertBatchedSampleEqualsSingleRows(Policy policy, int rows)
    {
        int n = policy.ObservationSize, w = policy.ActionWidth;
        double[] observations = TestData.Uniform(new Random(7), rows * n, -2, 2);
        Random[] randoms = Enumerable.Range(0, rows).Select(r => new Random(100 + r)).ToArray();
        double[] actions = new double[rows * w], logProbabilities = new double[rows];
        policy.Sample(observations, randoms, actions, logProbabilities, policy.CreateWorkspace(8));
        double[] singleActions = new double[rows * w], singleLogProbabilities = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            singleLogProbabilities[r] = policy.Sample(observations.AsSpan(r * n, n), new Random(100 + r), singleActions.AsSpan(r * w, w));
        }

        Assert.That(Bits(actions), Is.EqualTo(Bits(singleActions)));
        Assert.That(Bits(logProbabilities), Is.EqualTo(Bits(singleLogProbabilities)));
    }

    private static void AssertSampleReturnsLogProbability(Policy policy, Random random)
    {
        var action = new double[policy.ActionWidth];
        for (int trial = 0; trial < 200; trial++)
        {
            double[] s = TestData.Uniform(random, policy.ObservationSize, -2, 2);
            double returned = policy.Sample(s, random, action);
            Assert.That(BitConverter.DoubleToInt64Bits(returned), Is.EqualTo(BitConverter.DoubleToInt64Bits(policy.LogProbability(s, action))), $"trial {trial}");
        }
    }

    /// <summary>
    /// 20,000 draws at one state: each coordinate's sample mean lies within 5 standard errors √(σ²/N) of the head's mean,
    /// and its sample variance within 5 standard errors √((m₄ − s⁴)/N) of the head's variance (m₄ the sample's fourth
    /// central moment). A false alarm at 5 SE has probability below 6e-7 per comparison.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Sample_moments_match_the_heads_mean_and_variance(PolicyCase policyCase)
    {
        const int Draws = 20_000;
        Policy policy = policyCase.Build(7);
        var random = new Random(11);
        double[] s = TestData.Uniform(random, policy.ObservationSize, -1, 1);
        int w = policy.ActionWidth;
        double[] mean = new double[w], variance = new double[w], action = new double[w];
        policy.ActionMoments(s, mean, variance);
        var draws = new double[Draws, w];
        for (int i = 0; i < Draws; i++)
        {
            policy.Sample(s, random, action);
            for (int j = 0; j < w; j++)
            {
                draws[i, j] = action[j];
            }
        }

        Assert.Multiple(() =>
        {
            for (int j = 0; j < w; j++)
            {
                double[] x = Enumerable.Range(0, Draws).Select(i => draws[i, j]).ToArray();
                double m = x.Average(), v = x.Sum(d => (d - m) * (d - m)) / (Draws - 1), m4 = x.Average(d => Math.Pow(d - m, 4));
                Assert.That(m, Is.EqualTo(mean[j]).Within(5 * Math.Sqrt(variance[j] / Draws)), $"mean of coordinate {j}");
                Assert.That(v, Is.EqualTo(variance[j]).Within(5 * Math.Sqrt(Math.Max(m4 - (v * v), 0) / Draws)), $"variance of coordinate {j}");
            }
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void Mode_is_at_least_as_probable_as_any_nearby_action(PolicyCase policyCase)
    {
        Policy policy = policyCase.Build(3);
        var random = new Random(5);
        for (int trial = 0; trial < 5; trial++)
        {
            double[] s = TestData.Uniform(random, policy.ObservationSize, -2, 2);
            var mode = new double[policy.ActionWidth];
            policy.Mode(s, mode);
            double best = policy.LogProbability(s, mode);
            foreach (double[] other in Neighbours(policy, mode))
            {
                Assert.That(policy.LogProbability(s, other), Is.LessThanOrEqualTo(best), $"trial {trial}: mode [{string.Join(", ", mode)}], other [{string.Join(", ", other)}]");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Bad_input_throws_naming_the_argument_and_leaves_theta_and_buffers_bitwise_unchanged(PolicyCase policyCase)
    {
        Policy policy = policyCase.Build(2);
        int n = policy.ObservationSize, w = policy.ActionWidth;
        var random = new Random(3);
        (double[] s, double[] a) = PolicyCase.RandomInput(policy, random);
        double[] badAction = policy.ActionSpace.IsDiscrete ? [policy.ActionSpace.Count] : policy.ActionSpace.IsBounded ? policy.ActionSpace.High.ToArray().Select(h => h + 1).ToArray() : Enumerable.Repeat(double.NaN, w).ToArray();
        double[] observations = [.. s, .. s], actions = [.. a, .. a];
        PolicyWorkspace workspace = policy.CreateWorkspace(), foreign = PolicyCase.All().First().Build(1).CreateWorkspace();
        var gradient = TestData.Uniform(random, policy.ParameterCount);
        (Action Call, string Parameter)[] cases =
        [
            (() => policy.Sample(s.AsSpan(0, n - 1), random, new double[w]), "observation"),
            (() => policy.Sample([.. s[..^1], double.NaN], random, new double[w]), "observation"),
            (() => policy.Sample(s, random, new double[w + 1]), "action"),
            (() => policy.LogProbability(s, a.AsSpan(0, w - 1)), "action"),
            (() => policy.LogProbability(s, badAction), "action"),
            (() => policy.Mode(s, new double[w + 1]), "action"),
            (() => policy.Entropy([.. s, 1.0]), "observation"),
            (() => policy.ActionMoments(s, new double[w], new double[w + 1]), "variance"),
            (() => policy.AccumulateScore(s, badAction, 1.0, gradient), "action"),
            (() => policy.AccumulateScore(s, a, double.NaN, gradient), "weight"),
            (() => policy.AccumulateScore(s, a, 1.0, gradient.AsSpan(1)), "gradient"),
            (() => policy.AccumulateScores(observations, actions.AsSpan(w), [1.0, 1.0], gradient, workspace), "actions"),
            (() => policy.AccumulateScores(observations, [.. a, .. badAction], [1.0, 1.0], gradient, workspace), "actions"),
            (() => policy.AccumulateScores(observations.AsSpan(1), actions, [1.0, 1.0], gradient, workspace), "observations"),
            (() => policy.AccumulateScores(observations, actions, [1.0, double.PositiveInfinity], gradient, workspace), "weights"),
            (() => policy.AccumulateScores(observations, actions, [1.0, 1.0], gradient, foreign), "workspace"),
            (() => policy.AccumulateScores(observations, actions, [1.0, 1.0], gradient.AsSpan(1), workspace), "gradient"),
            (() => policy.LogProbabilities(observations, actions, new double[3], workspace), "observations"),
            (() => policy.AccumulateEntropyGradients(observations, [1.0], gradient, workspace), "observations"),
            (() => policy.AccumulateEntropyGradients(observations, [1.0, 1.0], gradient.AsSpan(1), workspace), "gradient"),
            (() => policy.CreateWorkspace(0), "capacity"),
            (() => policy.CreateWorkspace(int.MaxValue), "capacity"), // its buffers would pass 2³¹ doubles
        ];
        long[] theta = Bits(policy.Parameters.ToArray()), buffer = Bits(gradient);
        Assert.Multiple(() =>
        {
            foreach ((Action call, string parameter) in cases)
            {
                Assert.That(() => call(), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo(parameter), parameter);
                Assert.That(Bits(policy.Parameters.ToArray()), Is.EqualTo(theta), $"θ after a bad {parameter}");
                Assert.That(Bits(gradient), Is.EqualTo(buffer), $"gradient after a bad {parameter}");
            }
        });
    }

    private static (Policy Policy, double[] Observations, double[] Actions, double[] Weights) Rows(PolicyCase policyCase, int rows)
    {
        Policy policy = policyCase.Build(4);
        var random = new Random(9);
        var observations = new List<double>();
        var actions = new List<double>();
        for (int r = 0; r < rows; r++)
        {
            (double[] s, double[] a) = PolicyCase.RandomInput(policy, random);
            observations.AddRange(s);
            actions.AddRange(a);
        }

        return (policy, observations.ToArray(), actions.ToArray(), TestData.Uniform(random, rows, -2, 2));
    }

    // Every other discrete action; or the mode moved by ±0.1% of the box (±1e-3 for an unbounded one) in one coordinate, inside the box.
    private static IEnumerable<double[]> Neighbours(Policy policy, double[] mode)
    {
        if (policy.ActionSpace.IsDiscrete)
        {
            for (int a = 0; a < policy.ActionSpace.Count; a++)
            {
                yield return [a];
            }

            yield break;
        }

        for (int j = 0; j < mode.Length; j++)
        {
            double low = policy.ActionSpace.Low[j], high = policy.ActionSpace.High[j];
            double step = double.IsFinite(high - low) ? 1e-3 * (high - low) : 1e-3;
            foreach (double sign in new[] { -1.0, 1.0 })
            {
                double[] other = (double[])mode.Clone();
                other[j] += sign * step;
                if (other[j] > low && other[j] < high)
                {
                    yield return other;
                }
            }
        }
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
