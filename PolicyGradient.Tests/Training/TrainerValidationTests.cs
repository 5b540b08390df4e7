using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Training;

[TestFixture]
[Category("Training")]
public class TrainerValidationTests
{
    private static readonly GradientEstimator Estimator = new(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true));

    [Test]
    public void Training_refuses_to_start_on_a_non_finite_theta_and_leaves_it_unchanged()
    {
        var policy = SoftmaxPolicy.Linear(4, 2, 1);
        policy.Parameters[2] = double.NaN;
        double[] before = policy.Parameters.ToArray();
        var trainer = new Trainer(() => new CartPole(), policy, Estimator, new Adam(0.01), new TrainerOptions { EpisodesPerIteration = 2, Seed = 1 });
        Assert.That(() => trainer.Train(), Throws.TypeOf<TrainingDivergedException>().With.Message.Contains("θ[2]"));
        Assert.That(BitConverter.DoubleToInt64Bits(policy.Parameters[2]), Is.EqualTo(BitConverter.DoubleToInt64Bits(before[2])));
    }

    /// <summary>A task whose rewards are so large that every gradient overflows: the optimiser refuses every step.</summary>
    [TestCase(1)]
    [TestCase(3)]
    public void Training_stops_with_a_reason_after_the_documented_number_of_refused_steps_in_a_row(int limit)
    {
        var policy = SoftmaxPolicy.Linear(1, 2, 1);
        var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.Total));
        int iterations = 0;
        var trainer = new Trainer(() => new Bandit([1e300, -1e300], [0, 0]), policy, estimator, new GradientAscent(1e10), new TrainerOptions { EpisodesPerIteration = 2, Seed = 1, MaxRefusedStepsInARow = limit, MaxEnvironmentSteps = 1000 });
        trainer.IterationCompleted += (_, _) => iterations++;
        double[] before = policy.Parameters.ToArray();
        Assert.That(() => trainer.Train(), Throws.TypeOf<TrainingDivergedException>().With.Message.Contains($"refused {limit} steps in a row"));
        Assert.That(policy.Parameters.ToArray(), Is.EqualTo(before), "every refused step left θ unchanged");
        Assert.That(iterations, Is.EqualTo(limit - 1), "the limit-th refusal stops training before it is reported");
    }

    [Test]
    public void Options_out_of_range_are_refused_naming_the_option()
    {
        (TrainerOptions Options, string Name)[] cases =
        [
            (new TrainerOptions { TargetReturn = double.NaN }, "TargetReturn"),
            (new TrainerOptions { TargetReturn = double.PositiveInfinity }, "TargetReturn"),
            (new TrainerOptions { EpisodesPerIteration = 0 }, "EpisodesPerIteration"),
            (new TrainerOptions { EpisodesPerIteration = 1 }, "EpisodesPerIteration"),
            (new TrainerOptions { MaxEnvironmentSteps = 0 }, "MaxEnvironmentSteps"),
            (new TrainerOptions { MaxRefusedStepsInARow = 0 }, "MaxRefusedStepsInARow"),
            (new TrainerOptions { Threads = -1 }, "Threads"),
        ];
        Assert.Multiple(() =>
        {
            foreach ((TrainerOptions options, string name) in cases)
            {
                Assert.That(() => new Trainer(() => new CartPole(), SoftmaxPolicy.Linear(4, 2, 1), Estimator, new Adam(0.01), options), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains(name), name);
            }
        });
    }

    [Test]
    public void A_task_factory_returning_null_or_a_shared_instance_is_refused()
    {
        var shared = new CartPole();
        Assert.Multiple(() =>
        {
            Assert.That(() => new Trainer(() => null!, SoftmaxPolicy.Linear(4, 2, 1), Estimator, new Adam(0.01), new TrainerOptions { Threads = 2 }), Throws.ArgumentException.With.Message.Contains("null"));
            Assert.That(() => new Trainer(() => shared, SoftmaxPolicy.Linear(4, 2, 1), Estimator, new Adam(0.01), new TrainerOptions { Threads = 2 }), Throws.ArgumentException.With.Message.Contains("same instance"));
            Assert.That(() => Trainer.Evaluate(() => null!, SoftmaxPolicy.Linear(4, 2, 1), 2, 1), Throws.ArgumentException.With.Message.Contains("null"));
        });
    }

    [Test]
    public void Evaluation_refuses_a_policy_that_does_not_fit_the_task()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Trainer.Evaluate(() => new CartPole(), SoftmaxPolicy.Linear(4, 3, 1), 2, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy").And.Message.Contains("discrete(3)"));
            Assert.That(() => Trainer.Evaluate(() => new Pendulum(), SoftmaxPolicy.Linear(3, 2, 1), 2, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
            Assert.That(() => Trainer.Evaluate(() => new Pendulum(), BetaPolicy.Linear(3, 1, 1), 2, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy").And.Message.Contains("box[-1, 1]"), "a Beta on [−1, 1] cannot act in Pendulum's [−2, 2]");
            Assert.That(Trainer.Evaluate(() => new Pendulum(), BetaPolicy.Linear(3, [-2.0], [2.0], 1), 2, 1).Episodes, Is.EqualTo(2));
        });
    }

    [Test]
    public void An_episode_that_never_ends_is_cut_at_the_remaining_step_budget()
    {
        var trainer = new Trainer(() => new Endless(), SoftmaxPolicy.Linear(1, 2, 1), Estimator, new Adam(0.01), new TrainerOptions { EpisodesPerIteration = 2, MaxEnvironmentSteps = 5000, Seed = 1, Threads = 2 });
        TrainingResult result = trainer.Train();
        Assert.That(result.TotalEnvironmentSteps, Is.EqualTo(10_000), "one iteration of two episodes, each cut at the 5,000 steps left");
    }

    private sealed class Endless() : DiscreteEnvironment(int.MaxValue)
    {
        public override string Id => "Endless";

        public override int ObservationSize => 1;

        public override int StateSize => 1;

        public override int ActionCount => 2;

        protected override void ResetState(Random random)
        {
        }

        protected override (double Reward, bool Terminated) Transition(int action) => (action, false);

        protected override void WriteObservation(Span<double> observation) => observation[0] = 1;

        protected override void ReadState(Span<double> destination) => destination[0] = 0;

        protected override void WriteState(ReadOnlySpan<double> state)
        {
        }
    }
}
