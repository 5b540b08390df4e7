using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

[TestFixture]
[Category("Policies")]
public class BatchedScoreTests
{
    public static IEnumerable<PolicyCase> Cases => PolicyCase.All();

    /// <summary>
    /// The batched score sums the same per-row terms in another order, so it may differ from the single-row sum by
    /// at most about rows·ε·Σ_r |w_r ∇ log π_r| per component: far below the 1e-12 relative asked for.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void Batched_score_equals_sum_of_single_row_scores(PolicyCase policyCase)
    {
        Policy policy = policyCase.Build(7);
        var random = new Random(7);
        const int rows = 300; // more than the capacity below: exercises chunking
        int n = policy.ObservationSize;
        double[] observations = TestData.Uniform(random, rows * n, -2, 2);
        double[] weights = TestData.Uniform(random, rows, -3, 3);
        int[] actions = policy is SoftmaxPolicy sp ? Enumerable.Range(0, rows).Select(_ => random.Next(sp.ActionCount)).ToArray() : [];
        int d = (policy as GaussianPolicy)?.ActionSize ?? 0;
        double[] continuous = TestData.Uniform(random, rows * d, -2, 2);

        var single = new double[policy.ParameterCount];
        var scale = new double[policy.ParameterCount];
        var term = new double[policy.ParameterCount];
        for (int r = 0; r < rows; r++)
        {
            double[] s = observations.AsSpan(r * n, n).ToArray();
            double[] u = continuous.AsSpan(r * d, d).ToArray();
            int a = actions.Length > 0 ? actions[r] : -1;
            PolicyCase.AccumulateScore(policy, s, a, u, weights[r], single);
            Array.Clear(term);
            PolicyCase.AccumulateScore(policy, s, a, u, weights[r], term);
            for (int k = 0; k < term.Length; k++)
            {
                scale[k] += Math.Abs(term[k]);
            }
        }

        var batched = new double[policy.ParameterCount];
        PolicyWorkspace workspace = policy.CreateWorkspace(capacity: 64);
        if (policy is SoftmaxPolicy softmax)
        {
            softmax.AccumulateScores(observations, actions, weights, batched, workspace);
        }
        else
        {
            ((GaussianPolicy)policy).AccumulateScores(observations, continuous, weights, batched, workspace);
        }

        TestData.AssertWithinRoundoff(single, batched, scale, 1e-12 / TestData.Epsilon, policyCase.Name);
    }

    [TestCaseSource(nameof(Cases))]
    public void Batched_log_probabilities_equal_single_row_values(PolicyCase policyCase)
    {
        Policy policy = policyCase.Build(8);
        var random = new Random(8);
        const int rows = 70;
        int n = policy.ObservationSize;
        double[] observations = TestData.Uniform(random, rows * n, -2, 2);
        var batched = new double[rows];
        var expected = new double[rows];
        PolicyWorkspace workspace = policy.CreateWorkspace(capacity: 32);
        if (policy is SoftmaxPolicy softmax)
        {
            int[] actions = Enumerable.Range(0, rows).Select(_ => random.Next(softmax.ActionCount)).ToArray();
            softmax.LogProbabilities(observations, actions, batched, workspace);
            for (int r = 0; r < rows; r++)
            {
                expected[r] = softmax.LogProbability(observations.AsSpan(r * n, n), actions[r]);
            }
        }
        else
        {
            var gaussian = (GaussianPolicy)policy;
            int d = gaussian.ActionSize;
            double[] actions = TestData.Uniform(random, rows * d, -2, 2);
            gaussian.LogProbabilities(observations, actions, batched, workspace);
            for (int r = 0; r < rows; r++)
            {
                expected[r] = gaussian.LogProbability(observations.AsSpan(r * n, n), actions.AsSpan(r * d, d));
            }
        }

        TestData.AssertWithinRoundoff(expected, batched, expected.Select(v => Math.Abs(v) + 1).ToArray(), 1e3, policyCase.Name);
    }

    /// <summary>Counted, not timed: after a warm-up call, batched scores, single-row scores and samples allocate 0 bytes.</summary>
    [Test]
    public void Steady_state_scores_and_samples_allocate_nothing()
    {
        var softmax = SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1);
        var gaussian = GaussianPolicy.Mlp(3, [64, 64], 1, seed: 1);
        PolicyWorkspace ws = softmax.CreateWorkspace(), wg = gaussian.CreateWorkspace();
        var random = new Random(2);
        double[] so = TestData.Uniform(random, 1000 * 4), go = TestData.Uniform(random, 1000 * 3), ga = TestData.Uniform(random, 1000);
        double[] weights = TestData.Uniform(random, 1000), gs = new double[softmax.ParameterCount], gg = new double[gaussian.ParameterCount];
        int[] actions = Enumerable.Range(0, 1000).Select(i => i % 2).ToArray();
        double[] action = new double[1];
        void Run()
        {
            softmax.AccumulateScores(so, actions, weights, gs, ws);
            gaussian.AccumulateScores(go, ga, weights, gg, wg);
            softmax.AccumulateScore(so.AsSpan(0, 4), 1, 0.5, gs);
            gaussian.AccumulateScore(go.AsSpan(0, 3), ga.AsSpan(0, 1), 0.5, gg);
            softmax.Sample(so.AsSpan(0, 4), random);
            gaussian.Sample(go.AsSpan(0, 3), random, action);
        }

        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            Run(); // first calls create the per-thread row workspaces; later ones let the JIT settle
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
