using PolicyGradient.Environments;

namespace PolicyGradient.Tests.Environments;

/// <summary>Issue 9, part 8: the registry refuses a time limit below one step and names the known ids for an unknown one.</summary>
[TestFixture]
[Category("Environments")]
public class TaskRegistryTests
{
    public static IEnumerable<string> Ids => TaskRegistry.Ids;

    [Test]
    public void A_time_limit_below_one_step_is_refused_naming_maxEpisodeSteps(
        [ValueSource(nameof(Ids))] string id, [Values(0, -1, int.MinValue)] int maxEpisodeSteps) =>
        Assert.That(() => TaskRegistry.Create(id, maxEpisodeSteps), Throws.InstanceOf<ArgumentOutOfRangeException>()
            .With.Property("ParamName").EqualTo("maxEpisodeSteps")
            .And.Message.Contains("at least 1 step"));

    /// <summary>One step, the smallest limit; "Bandit-v0" episodes are one step long anyway.</summary>
    [TestCaseSource(nameof(Ids))]
    public void A_time_limit_of_one_step_is_accepted(string id) =>
        Assert.That(TaskRegistry.Create(id, 1).MaxEpisodeSteps, Is.EqualTo(1));

    [Test]
    public void An_unknown_id_is_refused_naming_every_known_id()
    {
        Assert.That(() => TaskRegistry.Create("CartPole-v9", 10), Throws.ArgumentException
            .With.Property("ParamName").EqualTo("id")
            .And.Message.Contains("CartPole-v9")
            .And.Message.Matches<string>(message => TaskRegistry.Ids.All(id => message!.Contains(id, StringComparison.Ordinal))));
    }
}
