using PolicyGradient.Analysis;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests;

[TestFixture]
[Category("Policies")]
public class ReadmeExampleTests
{
    [Test]
    public void Readme_policy_and_score_example_runs_and_its_gradient_checks_out()
    {
        using var output = new StringWriter();
        // --- the README's example, line for line (Console.Out redirected) ---
        var policy = SoftmaxPolicy.Mlp(observationSize: 4, hiddenSizes: [64, 64], actionCount: 2, seed: 1);
        double[] state = [0.01, -0.02, 0.03, 0.04];
        int action = policy.Sample(state, new Random(7));                // a ~ π(·|s)
        double logProb = policy.LogProbability(state, action);          // log π(a|s)
        var gradient = new double[policy.ParameterCount];
        policy.AccumulateScore(state, action, weight: 1.0, gradient);   // gradient += ∇θ log π(a|s)
        double error = GradientCheck.Score(policy, state, action).MaxRelativeError;
        output.WriteLine($"a = {action}, log π = {logProb:F4}, finite-difference error = {error:E1}");
        // --- end of example ---
        string readme = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "README.md"));
        Assert.Multiple(() =>
        {
            Assert.That(readme, Does.Contain("policy.AccumulateScore(state, action, weight: 1.0, gradient);   // gradient += ∇θ log π(a|s)"));
            Assert.That(error, Is.LessThanOrEqualTo(1e-6));
            Assert.That(gradient.Any(g => g != 0));
            Assert.That(output.ToString(), Does.StartWith("a = "));
        });
    }
}
