using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

[TestFixture]
[Category("Policies")]
public class BatchedScoreTests
{
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

        Assert.That(TestData.SteadyStateAllocation(Run), Is.Zero);
    }

    /// <summary>A workspace for two threads keeps its lane threads between waves, so a batched score allocates nothing on the calling thread either.</summary>
    [Test]
    public void Steady_state_scores_on_two_threads_allocate_nothing()
    {
        var softmax = SoftmaxPolicy.Mlp(4, [64, 64], 2, seed: 1);
        PolicyWorkspace workspace = softmax.CreateWorkspace(256, threads: 2);
        var random = new Random(3);
        double[] observations = TestData.Uniform(random, 2000 * 4), weights = TestData.Uniform(random, 2000), gradient = new double[softmax.ParameterCount];
        int[] actions = Enumerable.Range(0, 2000).Select(i => i % 2).ToArray();
        for (int warmUp = 0; warmUp < 5; warmUp++)
        {
            softmax.AccumulateScores(observations, actions, weights, gradient, workspace);
        }

        Assert.That(TestData.SteadyStateAllocation(() => softmax.AccumulateScores(observations, actions, weights, gradient, workspace)), Is.Zero);
    }
}
