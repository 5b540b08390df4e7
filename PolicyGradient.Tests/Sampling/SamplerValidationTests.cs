using PolicyGradient.Environments;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Sampling;

[TestFixture]
[Category("Sampling")]
public class SamplerValidationTests
{
    [Test]
    public void A_factory_returning_null_is_refused_naming_the_factory()
    {
        Assert.That(() => new Sampler(() => null!, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("taskFactory").And.Message.Contains("null"));
    }

    [Test]
    public void A_factory_returning_one_shared_instance_is_refused()
    {
        var shared = new CartPole();
        Assert.Multiple(() =>
        {
            Assert.That(() => new Sampler(() => shared, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("taskFactory").And.Message.Contains("same instance"));
            Assert.That(() => new Sampler(() => shared, 1), Throws.Nothing, "one thread needs one instance");
        });
    }

    /// <summary>A NaN observation from the task is the policy's ArgumentException, whatever the thread count.</summary>
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(8)]
    public void A_failing_episode_gives_the_same_exception_for_any_thread_count(int threads)
    {
        var sampler = new Sampler(() => new NaNAfter(3), threads);
        TrajectoryBatch batch = sampler.CreateBatch();
        Assert.That(() => sampler.SampleEpisodes(SoftmaxPolicy.Linear(1, 2, 1), 16, 1, batch), Throws.TypeOf<ArgumentException>().With.Property("ParamName").EqualTo("observation"));
    }

    [Test]
    public void An_episode_that_never_ends_is_truncated_at_the_step_budget()
    {
        var sampler = new Sampler(() => new NaNAfter(int.MaxValue), 2);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleSteps(SoftmaxPolicy.Linear(1, 2, 1), 500, 1, batch);
        var capped = sampler.CreateBatch();
        sampler.SampleEpisodes(SoftmaxPolicy.Linear(1, 2, 1), 3, 1, capped, maxEpisodeSteps: 200);
        Assert.Multiple(() =>
        {
            Assert.That(batch.EpisodeCount, Is.EqualTo(1));
            Assert.That(batch.StepCount, Is.EqualTo(500));
            Assert.That(batch.Truncated[0], Is.True);
            Assert.That(capped.StepCount, Is.EqualTo(600));
            Assert.That(capped.Truncated.ToArray(), Is.All.True);
        });
    }

    [Test]
    public void The_batch_validates_every_argument_before_recording()
    {
        var batch = new TrajectoryBatch(2, PolicyGradient.Distributions.ActionSpace.Box([-1.0, -1.0], [1.0, 1.0]));
        batch.BeginEpisode();
        Assert.Multiple(() =>
        {
            Assert.That(() => batch.AddStep([0.0, 0.0], 1, 1.0, 0.0), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("action"), "an index into a box batch");
            Assert.That(() => batch.AddStep([0.0], [0.5, 0.5], 1.0, 0.0), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("observation"));
            Assert.That(() => batch.AddStep([0.0, double.NaN], [0.5, 0.5], 1.0, 0.0), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("observation"));
            Assert.That(() => batch.AddStep([0.0, 0.0], [0.5, 0.5], double.PositiveInfinity, 0.0), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("reward"));
            Assert.That(() => batch.AddStep([0.0, 0.0], [0.5, 0.5], 1.0, double.NaN), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("logProbability"));
        });
        Assert.That(() => batch.EndEpisode(false, false, [0.0, 0.0]), Throws.InvalidOperationException, "no step was half-recorded: the episode is still empty");
    }

    [Test]
    public void Append_refuses_an_open_episode_and_a_bad_index_without_changing_the_batch()
    {
        var space = PolicyGradient.Distributions.ActionSpace.Discrete(2);
        var source = new TrajectoryBatch(1, space);
        source.BeginEpisode();
        source.AddStep([1.0], 0, 1.0, -0.5);
        source.EndEpisode(true, false, [2.0]);
        var target = new TrajectoryBatch(1, space);
        Assert.Multiple(() =>
        {
            Assert.That(() => target.AppendEpisode(source, -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("episode"));
            Assert.That(() => target.AppendEpisode(source, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("episode"));
            target.BeginEpisode();
            Assert.That(() => target.AppendEpisode(source, 0), Throws.InvalidOperationException);
            Assert.That(target.EpisodeCount, Is.Zero);
            Assert.That(target.IsEpisodeOpen, Is.True, "the open episode survives");
        });
    }

    /// <summary>A one-dimensional walk that never terminates; its observation turns NaN at step k (never, for int.MaxValue).</summary>
    private sealed class NaNAfter(int k) : DiscreteEnvironment(int.MaxValue)
    {
        private double _t;

        public override string Id => "NaNAfter";

        public override int ObservationSize => 1;

        public override int StateSize => 1;

        public override int ActionCount => 2;

        protected override void ResetState(Random random) => _t = 0;

        protected override (double Reward, bool Terminated) Transition(int action)
        {
            _t++;
            return (1.0, false);
        }

        protected override void WriteObservation(Span<double> observation) => observation[0] = _t >= k ? double.NaN : _t / 1000;

        protected override void ReadState(Span<double> destination) => destination[0] = _t;

        protected override void WriteState(ReadOnlySpan<double> state) => _t = state[0];
    }
}
