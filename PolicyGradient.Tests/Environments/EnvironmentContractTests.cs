using PolicyGradient.Distributions;
using PolicyGradient.Environments;

namespace PolicyGradient.Tests.Environments;

[TestFixture]
[Category("Environments")]
public class EnvironmentContractTests
{
    private static readonly bool[] LastStepOnly = [false, false, true];

    public static IEnumerable<string> Ids => TaskRegistry.Ids;

    [TestCaseSource(nameof(Ids))]
    public void Builtin_task_passes_the_environment_checker(string id)
    {
        EnvironmentCheckReport report = EnvironmentChecker.Check(() => TaskRegistry.Create(id), seed: 3, episodes: 3);
        Assert.That(report.Passed, report.ToString());
    }

    [TestCaseSource(nameof(Ids))]
    public void Bad_input_throws_and_leaves_the_state_unchanged(string id)
    {
        TaskEnvironment env = TaskRegistry.Create(id);
        var observation = new double[env.ObservationSize];
        Assert.That(() => Step(env, observation), Throws.InvalidOperationException, "step before reset");
        env.Reset(new Random(1), observation);
        double[] before = State(env);
        int elapsed = env.ElapsedSteps;
        Assert.Multiple(() =>
        {
            Assert.That(() => Step(env, new double[env.ObservationSize + 1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("observation"));
            ActionSpace space = env.ActionSpace;
            double[][] bad = space.IsDiscrete
                ? [[space.Count], [-1], [0.5], [double.NaN], [0, 0]]
                : [Enumerable.Repeat(double.NaN, space.Width).ToArray(), Enumerable.Repeat(double.PositiveInfinity, space.Width).ToArray(), new double[space.Width + 1]];
            foreach (double[] action in bad)
            {
                Assert.That(() => env.Step(action, observation), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("action"), $"[{string.Join(", ", action)}]");
            }

            Assert.That(() => env.SetState(new double[env.StateSize + 1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("state"));
            Assert.That(() => env.SetState(Enumerable.Repeat(double.NaN, env.StateSize).ToArray()), Throws.ArgumentException.With.Property("ParamName").EqualTo("state"));
            Assert.That(State(env), Is.EqualTo(before), "state changed");
            Assert.That(env.ElapsedSteps, Is.EqualTo(elapsed), "step counter changed");
        });
    }

    [Test]
    public void Continuous_tasks_clip_out_of_range_actions_as_gymnasium_does()
    {
        var pendulum = new Pendulum();
        var a = new double[3];
        var b = new double[3];
        pendulum.Reset(new Random(2), a);
        double[] start = State(pendulum);
        StepResult huge = pendulum.Step([10.0], a);
        pendulum.SetState(start);
        StepResult clipped = pendulum.Step([2.0], b);
        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(b));
            Assert.That(huge.Reward, Is.EqualTo(clipped.Reward), "Pendulum's cost uses the clipped torque");
        });
    }

    [Test]
    public void Truncation_comes_exactly_at_the_time_limit_even_when_terminated()
    {
        var env = new MountainCar(maxEpisodeSteps: 3);
        var observation = new double[2];
        env.Reset(new Random(0), observation);
        StepResult[] results = [env.Step(1, observation), env.Step(1, observation), env.Step(1, observation)];
        Assert.That(results.Select(r => r.Truncated), Is.EqualTo(LastStepOnly));
    }

    /// <summary>Counted, not timed: the bytes this thread allocates across 2,000 steps (after a warm-up) are zero.</summary>
    [TestCaseSource(nameof(Ids))]
    public void Stepping_allocates_nothing(string id)
    {
        TaskEnvironment env = TaskRegistry.Create(id);
        var observation = new double[env.ObservationSize];
        double[] action = new double[env.ActionSpace.Width];
        var random = new Random(1);
        void Run(int steps)
        {
            env.Reset(random, observation);
            for (int i = 0; i < steps; i++)
            {
                action[0] = env.ActionSpace.IsDiscrete ? i % env.ActionSpace.Count : 0;
                StepResult r = env.Step(action, observation);
                if (r.Done)
                {
                    env.Reset(random, observation);
                }
            }
        }

        Run(100);
        Assert.That(TestData.SteadyStateAllocation(() => Run(2000)), Is.Zero);
    }

    [Test]
    public void Registry_rejects_unknown_ids_listing_the_known_ones()
    {
        Assert.That(() => TaskRegistry.Create("CartPole-v9"), Throws.ArgumentException.With.Message.Contains("CartPole-v1"));
    }

    [Test]
    public void Checker_reports_each_kind_of_faulty_task()
    {
        Assert.Multiple(() =>
        {
            Assert.That(EnvironmentChecker.Check(() => new FaultyTask(FaultyTask.Fault.NaNObservation)).Problems, Has.Some.Contains("must be finite"));
            Assert.That(EnvironmentChecker.Check(() => new FaultyTask(FaultyTask.Fault.NaNReward)).Problems, Has.Some.Contains("reward must be finite"));
            Assert.That(EnvironmentChecker.Check(() => new FaultyTask(FaultyTask.Fault.UnseededReset)).Problems, Has.Some.Contains("same seed"));
            Assert.That(EnvironmentChecker.Check(() => new FaultyTask(FaultyTask.Fault.NoisyStep)).Problems, Has.Some.Contains("deterministic"));
            Assert.That(EnvironmentChecker.Check(() => new FaultyTask(FaultyTask.Fault.LossyState)).Problems, Has.Some.Contains("round-trip"));
            Assert.That(EnvironmentChecker.Check(() => new FaultyTask(FaultyTask.Fault.ThrowingStep)).Problems, Has.Some.Contains("threw"));
            Assert.That(EnvironmentChecker.Check(() => new FaultyTask(FaultyTask.Fault.None)).Passed);
        });
    }

    // action 0, or the origin of the box
    private static StepResult Step(TaskEnvironment env, double[] observation) => env.Step(new double[env.ActionSpace.Width], observation);

    private static double[] State(TaskEnvironment env)
    {
        var state = new double[env.StateSize];
        env.GetState(state);
        return state;
    }

    /// <summary>A one-dimensional random walk with one deliberate fault at a time.</summary>
    private sealed class FaultyTask(FaultyTask.Fault fault) : DiscreteEnvironment(20)
    {
        private static int s_unseeded;
        private readonly Random _noise = new(Interlocked.Increment(ref s_unseeded));
        private double _x, _y;

        public enum Fault { None, NaNObservation, NaNReward, UnseededReset, NoisyStep, LossyState, ThrowingStep }

        public override string Id => $"Faulty-{fault}";

        public override int ObservationSize => 2;

        public override int StateSize => 2;

        public override int ActionCount => 2;

        protected override void ResetState(Random random)
        {
            _x = fault == Fault.UnseededReset ? _noise.NextDouble() : random.NextDouble();
            _y = random.NextDouble();
        }

        protected override (double Reward, bool Terminated) Transition(int action)
        {
            if (fault == Fault.ThrowingStep)
            {
                throw new InvalidOperationException("boom");
            }

            _x += action == 1 ? 0.1 : -0.1;
            _x += fault == Fault.NoisyStep ? _noise.NextDouble() : 0;
            return (fault == Fault.NaNReward ? double.NaN : -Math.Abs(_x), Math.Abs(_x) > 3);
        }

        protected override void WriteObservation(Span<double> observation)
        {
            observation[0] = fault == Fault.NaNObservation ? double.NaN : _x;
            observation[1] = _y;
        }

        protected override void ReadState(Span<double> destination)
        {
            destination[0] = _x;
            destination[1] = _y;
        }

        protected override void WriteState(ReadOnlySpan<double> state)
        {
            _x = state[0];
            _y = fault == Fault.LossyState ? 0 : state[1];
        }
    }
}
