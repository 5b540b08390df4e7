using PolicyGradient.Estimators;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>The one table of estimator names: canonical names round-trip, and a bad name says what is accepted.</summary>
[TestFixture]
[Category("CommandLine")]
public class EstimatorNamesTests
{
    private static IEnumerable<EstimatorOptions> ValidOptions() =>
        from returns in Enum.GetValues<ReturnKind>()
        from baseline in Enum.GetValues<BaselineKind>()
        from leaveOneOut in new[] { false, true }
        from normalize in new[] { false, true }
        let options = new EstimatorOptions(returns, baseline, leaveOneOut, normalize, 0.9)
        where IsValid(options)
        select options;

    private static bool IsValid(EstimatorOptions options)
    {
        try
        {
            options.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [Test]
    public void Every_valid_combination_round_trips_through_its_name()
    {
        EstimatorOptions[] all = ValidOptions().ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Length.EqualTo(20)); // 18, and reward-to-go+value with and without norm
            foreach (EstimatorOptions options in all)
            {
                Assert.That(EstimatorNames.Parse(EstimatorNames.Format(options), options.Discount), Is.EqualTo(options));
                Assert.That(options.Name, Is.EqualTo(EstimatorNames.Format(options)));
            }

            Assert.That(all.Select(o => o.Name).Distinct().Count(), Is.EqualTo(all.Length));
        });
    }

    [TestCase("total", ReturnKind.Total, BaselineKind.None, false, false)]
    [TestCase("reward-to-go+average+loo+norm", ReturnKind.RewardToGo, BaselineKind.Average, true, true)]
    [TestCase("reward-to-go+optimal-per-step+loo", ReturnKind.RewardToGo, BaselineKind.OptimalPerStep, true, false)]
    [TestCase("total+norm", ReturnKind.Total, BaselineKind.None, false, true)]
    public void Names_mean_exactly_what_they_say(string name, ReturnKind returns, BaselineKind baseline, bool leaveOneOut, bool normalize)
    {
        Assert.That(EstimatorNames.Parse(name), Is.EqualTo(new EstimatorOptions(returns, baseline, leaveOneOut, normalize)));
    }

    [TestCase("reward-to-come", "'reward-to-come'")]
    [TestCase("total+median", "'median'")]
    [TestCase("total+norm+loo", "'loo'")]
    [TestCase("reward-to-go+average+average", "'average'")]
    [TestCase("", "''")]
    public void An_unknown_or_misplaced_token_is_named_with_the_grammar(string name, string token)
    {
        var error = Assert.Throws<ArgumentException>(() => EstimatorNames.Parse(name))!;
        Assert.That(error.Message, Does.Contain(token).And.Contain("reward-to-go").And.Contain("optimal-per-step").And.Contain("+loo"));
    }

    [TestCase("total+loo")]
    [TestCase("total+optimal-per-step")]
    [TestCase("reward-to-go+optimal+norm")]
    public void Combinations_that_Validate_refuses_are_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => EstimatorNames.Parse(name))!;
        Assert.That(error.Message, Does.Contain(name).And.Contain("not a valid combination"));
    }

    [Test]
    public void Well_known_names_are_canonical()
    {
        Assert.That(EstimatorNames.WellKnown.Select(n => EstimatorNames.Parse(n).Name), Is.EqualTo(EstimatorNames.WellKnown));
    }
}
