using PolicyGradient.Benchmarks;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>The runners behind docs/results.md's natural-gradient and behaviour-cloning sections and docs/reproduction.md, at toy sizes.</summary>
[TestFixture]
[Category("CommandLine")]
public class ExperimentTests
{
    [Test]
    public void Natural_gradient_experiment_prints_an_lqr_row_and_a_cartpole_row_per_optimiser()
    {
        var output = new StringWriter();
        NaturalGradientExperiment.Run(output, seeds: 1, lqrIterations: 3, cartPoleMaxSteps: 1_000);
        string text = output.ToString();
        Assert.Multiple(() =>
        {
            foreach ((string name, _) in NaturalGradientExperiment.LqrOptimizers.Concat(NaturalGradientExperiment.CartPoleOptimizers))
            {
                Assert.That(text, Does.Contain($"| {name} |"));
            }
        });
    }

    [Test]
    public void Behaviour_cloning_experiment_prints_the_expert_curve_and_the_clone_curve()
    {
        var output = new StringWriter();
        BehaviourCloningExperiment.Run(output, demonstrationEpisodes: 2, cloningSteps: 10);
        Assert.That(output.ToString(), Does.Contain("| policy-gradient iteration |").And.Contain("| gradient steps |").And.Contain("| 10 |"));
    }

    [Test]
    public void Lqg_variance_experiment_prints_every_term_at_each_update_count()
    {
        var output = new StringWriter();
        LqgVarianceExperiment.Run(output, updates: [0, 2], horizon: 10);
        string text = output.ToString();
        Assert.That(text, Does.Contain("#updates = 0").And.Contain("#updates = 2").And.Contain("| Σ_τ | Σ_τ GAE(0.99) | Σ_τ GAE(0) | Σ_s | Σ_a⁰ | Σ_a^φ(s) |").And.Contain("| 8 |"));
    }

    /// <summary>np.random.seed(0); np.random.randn(6) (to 16 digits), and np.random.seed(3); np.random.randn(10) (to 8).</summary>
    [Test]
    public void NumPy_legacy_normal_reproduces_randn_after_seeding()
    {
        double[] seed0 = [1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675, -0.977277879876411];
        double[] seed3 = [1.78862847, 0.43650985, 0.09649747, -1.8634927, -0.2773882, -0.35475898, -0.08274148, -0.62700068, -0.04381817, -0.47721803];
        var zero = new NumPyLegacyNormal(0);
        var three = new NumPyLegacyNormal(3);
        Assert.Multiple(() =>
        {
            foreach (double expected in seed0)
            {
                Assert.That(zero.Next(), Is.EqualTo(expected).Within(1e-14));
            }

            foreach (double expected in seed3)
            {
                Assert.That(three.Next(), Is.EqualTo(expected).Within(6e-9));
            }
        });
    }
}
