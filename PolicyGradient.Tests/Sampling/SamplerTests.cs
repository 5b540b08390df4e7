using PolicyGradient.Distributions;
using PolicyGradient.Environments;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Sampling;

[TestFixture]
[Category("Sampling")]
public class SamplerTests
{
    private static TrajectoryBatch Sample(int threads, Policy policy, Func<TaskEnvironment> task, int episodes, long seed)
    {
        var sampler = new Sampler(task, threads);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleEpisodes(policy, episodes, seed, batch);
        return batch;
    }

    private static void AssertIdentical(TrajectoryBatch expected, TrajectoryBatch actual, string context)
    {
        Assert.Multiple(() =>
        {
            Assert.That(actual.EpisodeOffsets.ToArray(), Is.EqualTo(expected.EpisodeOffsets.ToArray()), context);
            Assert.That(actual.Observations.ToArray(), Is.EqualTo(expected.Observations.ToArray()), context);
            Assert.That(actual.Actions.ToArray(), Is.EqualTo(expected.Actions.ToArray()), context);
            Assert.That(actual.FinalObservations.ToArray(), Is.EqualTo(expected.FinalObservations.ToArray()), context);
            Assert.That(actual.Rewards.ToArray(), Is.EqualTo(expected.Rewards.ToArray()), context);
            Assert.That(actual.LogProbabilities.ToArray(), Is.EqualTo(expected.LogProbabilities.ToArray()), context);
            Assert.That(actual.Terminated.ToArray(), Is.EqualTo(expected.Terminated.ToArray()), context);
            Assert.That(actual.Truncated.ToArray(), Is.EqualTo(expected.Truncated.ToArray()), context);
        });
    }

    [Test]
    public void Batch_is_bitwise_identical_for_1_2_and_8_threads()
    {
        var softmax = SoftmaxPolicy.Mlp(4, [16], 2, seed: 3);
        var gaussian = GaussianPolicy.Mlp(3, [8], 1, seed: 3);
        TrajectoryBatch one = Sample(1, softmax, () => new CartPole(), 40, seed: 11);
        TrajectoryBatch oneG = Sample(1, gaussian, () => new Pendulum(), 6, seed: 11);
        foreach (int threads in new[] { 2, 8 })
        {
            AssertIdentical(one, Sample(threads, softmax, () => new CartPole(), 40, seed: 11), $"CartPole, {threads} threads");
            AssertIdentical(oneG, Sample(threads, gaussian, () => new Pendulum(), 6, seed: 11), $"Pendulum, {threads} threads");
        }

        Assert.That(Sample(1, softmax, () => new CartPole(), 40, seed: 12).Observations.ToArray(), Is.Not.EqualTo(one.Observations.ToArray()), "another seed gives another batch");
    }

    /// <summary>
    /// K instances in lockstep share one batched policy call per step; a batched row gets the bits of a single-row call
    /// and episode i draws only from EpisodeRandom(seed, i), so K = 1 (the unvectorised sampler), 3 and 32 and 1 or 2
    /// threads give the same batch, bit for bit, for a softmax, a Gaussian and a Beta head, and for SampleSteps' prefix.
    /// </summary>
    [Test]
    public void Batch_is_bitwise_identical_for_any_number_of_instances_per_thread()
    {
        (Policy Policy, Func<TaskEnvironment> Task, string Name)[] cases =
        [
            (SoftmaxPolicy.Mlp(4, [16], 2, seed: 3), () => new CartPole(), "CartPole softmax"),
            (GaussianPolicy.Mlp(3, [8], 1, seed: 3), () => new Pendulum(), "Pendulum Gaussian"),
            (BetaPolicy.Mlp(3, [8], [-2.0], [2.0], seed: 3), () => new Pendulum(), "Pendulum Beta"),
        ];
        foreach ((Policy policy, Func<TaskEnvironment> task, string name) in cases)
        {
            var reference = new Sampler(task, 1, instancesPerThread: 1);
            TrajectoryBatch episodes = reference.CreateBatch(), steps = reference.CreateBatch();
            reference.SampleEpisodes(policy, 12, 5, episodes);
            reference.SampleSteps(policy, 700, 6, steps);
            foreach ((int threads, int k) in new[] { (1, 3), (1, 32), (2, 3), (2, 32) })
            {
                var sampler = new Sampler(task, threads, k);
                TrajectoryBatch e = sampler.CreateBatch(), t = sampler.CreateBatch();
                sampler.SampleEpisodes(policy, 12, 5, e);
                sampler.SampleSteps(policy, 700, 6, t);
                AssertIdentical(episodes, e, $"{name}, {threads} threads, K = {k}, episodes");
                AssertIdentical(steps, t, $"{name}, {threads} threads, K = {k}, steps");
            }
        }
    }

    [Test]
    public void Recorded_log_probabilities_and_flags_are_those_of_the_policy_and_task()
    {
        var policy = SoftmaxPolicy.Linear(4, 2, seed: 5);
        TrajectoryBatch batch = Sample(2, policy, () => new CartPole(), 10, seed: 1);
        int n = batch.ObservationSize;
        for (int t = 0; t < batch.StepCount; t++)
        {
            Assert.That(batch.LogProbabilities[t], Is.EqualTo(policy.LogProbability(batch.Observations.Slice(t * n, n), batch.Actions.Slice(t, 1))));
        }

        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            Assert.That(batch.Terminated[i] || batch.Truncated[i], $"episode {i} ended without a flag");
            Assert.That(batch.Truncated[i], Is.EqualTo(batch.EpisodeLength(i) == 500));
        }
    }

    [Test]
    public void Step_budget_takes_the_shortest_prefix_of_episodes_reaching_it_for_any_thread_count()
    {
        var policy = SoftmaxPolicy.Linear(4, 2, seed: 5);
        var reference = new Sampler(() => new CartPole(), 1);
        TrajectoryBatch expected = reference.CreateBatch();
        reference.SampleSteps(policy, 1000, seed: 4, expected);
        int withoutLast = expected.EpisodeOffsets[expected.EpisodeCount - 1];
        Assert.Multiple(() =>
        {
            Assert.That(expected.StepCount, Is.GreaterThanOrEqualTo(1000));
            Assert.That(withoutLast, Is.LessThan(1000));
        });
        var parallel = new Sampler(() => new CartPole(), 8);
        TrajectoryBatch actual = parallel.CreateBatch();
        parallel.SampleSteps(policy, 1000, seed: 4, actual);
        AssertIdentical(expected, actual, "8 threads");
    }

    [Test]
    public void Progress_reports_every_episode()
    {
        var reports = new List<SamplingProgress>();
        var progress = new SynchronousProgress(reports);
        var sampler = new Sampler(() => new CartPole(), 2);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleEpisodes(SoftmaxPolicy.Linear(4, 2, 1), 12, 3, batch, progress);
        Assert.Multiple(() =>
        {
            Assert.That(reports, Has.Count.EqualTo(12));
            Assert.That(reports.Max(r => r.Episodes), Is.EqualTo(12));
            Assert.That(reports.Max(r => r.Steps), Is.EqualTo(batch.StepCount));
        });
    }

    /// <summary>
    /// Pendulum-v1's episodes always run to its 200-step time limit, so a 2,000-step budget needs exactly episodes 0–9.
    /// Before any episode completes the claim limiter assumes the longest episode, so two threads with 64 instances each
    /// claim those ten and no more (without it, all 128 instances would start an episode and 118 would be thrown away).
    /// </summary>
    [Test]
    public void A_budget_that_time_limited_episodes_fill_exactly_starts_no_episode_past_the_prefix()
    {
        var reports = new List<SamplingProgress>();
        var sampler = new Sampler(() => new Pendulum(), threads: 2, instancesPerThread: 64);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleSteps(GaussianPolicy.Linear(3, 1, seed: 2), 2000, seed: 5, batch, new SynchronousProgress(reports));
        Assert.Multiple(() =>
        {
            Assert.That(batch.EpisodeCount, Is.EqualTo(10));
            Assert.That(batch.StepCount, Is.EqualTo(2000));
            Assert.That(reports, Has.Count.EqualTo(10), "episodes sampled");
        });
    }

    [Test]
    public void Steady_state_sampling_on_one_thread_allocates_nothing()
    {
        var policy = SoftmaxPolicy.Mlp(4, [32], 2, seed: 1);
        var sampler = new Sampler(() => new CartPole(), 1);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleEpisodes(policy, 20, 1, batch);
        sampler.SampleEpisodes(policy, 20, 2, batch);
        Assert.That(TestData.SteadyStateAllocation(() => sampler.SampleEpisodes(policy, 20, 1, batch)), Is.Zero);
    }

    [Test]
    public void Mismatched_policy_or_batch_is_rejected()
    {
        var sampler = new Sampler(() => new CartPole(), 1);
        TrajectoryBatch batch = sampler.CreateBatch();
        Assert.Multiple(() =>
        {
            Assert.That(() => sampler.SampleEpisodes(SoftmaxPolicy.Linear(4, 3, 1), 2, 1, batch), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
            Assert.That(() => sampler.SampleEpisodes(GaussianPolicy.Linear(4, 1, 1), 2, 1, batch), Throws.ArgumentException.With.Property("ParamName").EqualTo("policy"));
            Assert.That(() => sampler.SampleEpisodes(SoftmaxPolicy.Linear(4, 2, 1), 2, 1, new TrajectoryBatch(3, ActionSpace.Discrete(2))), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
            Assert.That(() => sampler.SampleEpisodes(SoftmaxPolicy.Linear(4, 2, 1), 0, 1, batch), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    private sealed class SynchronousProgress(List<SamplingProgress> reports) : IProgress<SamplingProgress>
    {
        public void Report(SamplingProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
