using PolicyGradient.Environments;

namespace PolicyGradient.Tests.Environments;

/// <summary>
/// Issue 9, parts 8 and 10: the checker reports a factory that throws, returns null or returns an instance twice
/// (never throwing itself), and its state round trip — step away, restore into the same and into another instance,
/// step both, compare bit for bit — fails tasks whose WriteState does nothing or that keep state outside their
/// state vector, while a task that keeps its whole state in the vector passes.
/// </summary>
[TestFixture]
[Category("Environments")]
public class EnvironmentCheckerTests
{
    [Test]
    public void A_task_with_its_whole_state_in_the_state_vector_passes([Values(0, 7)] int seed) =>
        Assert.That(EnvironmentChecker.Check(() => new Walker(Walker.Fault.None), seed, episodes: 4).ToString(), Is.EqualTo("passed"));

    [Test]
    public void A_write_state_that_does_nothing_fails_the_round_trip() =>
        AssertFails(Walker.Fault.WriteStateIgnored, "into the same instance", "must round-trip the whole state");

    /// <summary>The velocity changes every step, so the instance that stepped on still holds a later one.</summary>
    [Test]
    public void State_kept_outside_the_state_vector_and_changed_by_steps_fails_the_round_trip() =>
        AssertFails(Walker.Fault.HiddenVelocity, "into the same instance", "keep no state outside its state vector");

    /// <summary>The drift is drawn at reset and constant within the episode, so only another instance shows it.</summary>
    [Test]
    public void State_kept_outside_the_state_vector_and_drawn_at_reset_fails_the_round_trip_into_another_instance() =>
        AssertFails(Walker.Fault.HiddenDrift, "into another instance", "keep no state outside its state vector");

    [Test]
    public void A_reset_that_depends_on_earlier_episodes_fails() =>
        AssertFails(Walker.Fault.ResetCounting, "episode 0", "Reset must not depend on earlier episodes");

    [Test]
    public void A_factory_returning_null_is_reported_without_throwing([Values(1, 3)] int nullCall)
    {
        int calls = 0;
        EnvironmentCheckReport report = EnvironmentChecker.Check(() => ++calls == nullCall ? null! : new Walker(Walker.Fault.None));
        Assert.That(report.Problems, Is.EqualTo(new[] { $"The factory returned null on call {nullCall}; it must return a new instance on every call." }));
    }

    [Test]
    public void A_factory_returning_one_shared_instance_is_reported_without_throwing()
    {
        var shared = new Walker(Walker.Fault.None);
        EnvironmentCheckReport report = EnvironmentChecker.Check(() => shared);
        Assert.That(report.Problems, Has.Count.EqualTo(1).And.Some.StartsWith("The factory returned the same instance on calls 1 and 2; it must return a new, independent instance"));
    }

    [Test]
    public void A_factory_repeating_an_earlier_instance_later_is_reported()
    {
        var first = new Walker(Walker.Fault.None);
        int calls = 0;
        EnvironmentCheckReport report = EnvironmentChecker.Check(() => ++calls == 2 ? new Walker(Walker.Fault.None) : first);
        Assert.That(report.Problems, Has.Count.EqualTo(1).And.Some.StartsWith("The factory returned the same instance on calls 1 and 3"));
    }

    [Test]
    public void A_throwing_factory_is_reported_without_throwing()
    {
        EnvironmentCheckReport report = EnvironmentChecker.Check(() => throw new InvalidOperationException("no task today"));
        Assert.That(report.Problems, Is.EqualTo(new[] { "Creating the task threw InvalidOperationException: no task today" }));
    }

    [Test]
    public void Arguments_are_checked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => EnvironmentChecker.Check(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("create"));
            Assert.That(() => EnvironmentChecker.Check(() => new Walker(Walker.Fault.None), episodes: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("episodes"));
            Assert.That(EnvironmentChecker.Check(() => new Walker(Walker.Fault.None), episodes: 1).Passed);
        });
    }

    private static void AssertFails(Walker.Fault fault, string where, string why)
    {
        EnvironmentCheckReport report = EnvironmentChecker.Check(() => new Walker(fault), seed: 1);
        Assert.That(report.Problems, Has.Count.EqualTo(1).And.Some.Contains(where).And.Some.Contains(why), report.ToString());
    }

    /// <summary>
    /// A walker on a line, observed through its position only. The action pushes the velocity by ±0.01 and a
    /// drift drawn at reset adds to it each step; |x| &gt; 5 terminates. State vector (x, v, drift), or with one
    /// deliberate fault.
    /// </summary>
    private sealed class Walker(Walker.Fault fault) : DiscreteEnvironment(30)
    {
        private double _x, _v, _drift;
        private int _resets;

        public enum Fault
        {
            None,

            /// <summary>WriteState does nothing.</summary>
            WriteStateIgnored,

            /// <summary>The state vector is (x, drift): v is kept outside it.</summary>
            HiddenVelocity,

            /// <summary>The state vector is (x, v): the drift is kept outside it.</summary>
            HiddenDrift,

            /// <summary>From the second reset on, episodes end after one step.</summary>
            ResetCounting,
        }

        public override string Id => $"Walker-{fault}";

        public override int ObservationSize => 1;

        public override int StateSize => fault is Fault.HiddenVelocity or Fault.HiddenDrift ? 2 : 3;

        public override int ActionCount => 2;

        protected override void ResetState(Random random)
        {
            _x = random.NextDouble() - 0.5;
            _v = 0;
            _drift = 0.02 * (random.NextDouble() - 0.5);
            _resets++;
        }

        protected override (double Reward, bool Terminated) Transition(int action)
        {
            _v += (action == 1 ? 0.01 : -0.01) + _drift;
            _x += _v;
            return (-Math.Abs(_x), Math.Abs(_x) > 5 || (fault == Fault.ResetCounting && _resets > 1));
        }

        protected override void WriteObservation(Span<double> observation) => observation[0] = _x;

        protected override void ReadState(Span<double> destination)
        {
            destination[0] = _x;
            destination[1] = fault == Fault.HiddenVelocity ? _drift : _v;
            if (destination.Length == 3)
            {
                destination[2] = _drift;
            }
        }

        protected override void WriteState(ReadOnlySpan<double> state)
        {
            if (fault == Fault.WriteStateIgnored)
            {
                return;
            }

            _x = state[0];
            if (fault == Fault.HiddenVelocity)
            {
                _drift = state[1];
                return;
            }

            _v = state[1];
            if (state.Length == 3)
            {
                _drift = state[2];
            }
        }
    }
}
