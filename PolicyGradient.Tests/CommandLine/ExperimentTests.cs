using PolicyGradient.Benchmarks;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>The runners behind docs/results.md's natural-gradient and behaviour-cloning sections, at toy sizes.</summary>
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
}
