using PolicyGradient.Distributions;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

[TestFixture]
[Category("Policies")]
public class PolicyRegistryTests
{
    [Test]
    public void Heads_for_an_action_space_list_the_default_first()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PolicyRegistry.HeadsFor(ActionSpace.Discrete(3)), Is.EqualTo(new[] { "softmax" }));
            Assert.That(PolicyRegistry.HeadsFor(ActionSpace.Box([-2.0], [2.0])), Is.EqualTo(new[] { "gaussian", "beta" }));
            Assert.That(PolicyRegistry.HeadsFor(ActionSpace.Unbounded(2)), Is.EqualTo(new[] { "gaussian" }));
        });
    }

    [Test]
    public void A_policy_for_a_task_is_sized_for_its_head()
    {
        ActionSpace box = ActionSpace.Box([-2.0, 0.0], [2.0, 1.0]);
        Policy beta = PolicyRegistry.CreateForTask("beta", 3, box, [8], seed: 1);
        Policy gaussian = PolicyRegistry.CreateForTask("gaussian", 3, box, null, seed: 1, initialLogStd: -0.5);
        Policy softmax = PolicyRegistry.CreateForTask("softmax", 4, ActionSpace.Discrete(5), [16, 16], seed: 1);
        Assert.Multiple(() =>
        {
            Assert.That(beta.Describe(), Is.EqualTo("mlp-beta 3→[8]→4"));
            Assert.That(beta.ActionSpace, Is.EqualTo(box));
            Assert.That(gaussian.Describe(), Is.EqualTo("linear-gaussian 3→2"));
            Assert.That(gaussian.Parameters[^1], Is.EqualTo(-0.5));
            Assert.That(softmax.Describe(), Is.EqualTo("mlp-softmax 4→[16, 16]→5"));
        });
    }

    [Test]
    public void Unknown_or_unfit_parts_are_refused_naming_what_is_registered()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => PolicyRegistry.CreateForTask("beta", 4, ActionSpace.Discrete(2), null, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("head").And.Message.Contains("softmax"));
            Assert.That(() => PolicyRegistry.CreateForTask("beta", 3, ActionSpace.Unbounded(1), null, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("head"));
            Assert.That(() => PolicyRegistry.CreateForTask("cauchy", 3, ActionSpace.Discrete(2), null, 1), Throws.ArgumentException.With.Message.Contains("softmax, gaussian, beta"));
            var linear = new PartSpec("linear", new Dictionary<string, string> { ["inputSize"] = "2", ["outputSize"] = "2" });
            Assert.That(() => PolicyRegistry.Create(new PartSpec("rbf", new Dictionary<string, string>()), new PartSpec("softmax", new Dictionary<string, string>())), Throws.ArgumentException.With.Message.Contains("linear, mlp"));
            Assert.That(() => PolicyRegistry.Create(linear, new PartSpec("gaussian", new Dictionary<string, string>())), Throws.ArgumentException.With.Message.Contains("learnLogStd").Or.Message.Contains("initialLogStd"));
        });
    }
}
