using PolicyGradient.Environments;

namespace PolicyGradient.Tests.Environments;

[TestFixture]
[Category("Environments")]
public class LaneKeepingTests
{
    private static readonly int[] RoadSeeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    /// <summary>
    /// Feed-forward of the road's curvature (δ = atan(L κ) holds a circle of curvature κ) plus proportional feedback
    /// on lateral offset and heading error. Linearised, the closed loop has eigenvalues ≈ −0.94 ± 1.7i s⁻¹: stable.
    /// </summary>
    public static double Controller(ReadOnlySpan<double> observation)
    {
        double d = observation[0] * 2.0, psi = observation[1], kappa = observation[3] * LaneKeepingRoad.MaxCurvature;
        return Math.Atan(3.0 * kappa) - (0.05 * d) - (0.3 * psi);
    }

    [Test]
    public void Proportional_controller_drives_the_whole_road()
    {
        foreach (int seed in RoadSeeds)
        {
            var env = new LaneKeeping(roadSeed: seed);
            var observation = new double[env.ObservationSize];
            env.Reset(new Random(seed), observation);
            StepResult result;
            double distance = 0;
            do
            {
                result = env.Step([Controller(observation)], observation);
                distance += result.Reward;
            }
            while (!result.Done);
            Assert.Multiple(() =>
            {
                Assert.That(result.Terminated, Is.False, $"road {seed}: left the lane at step {env.ElapsedSteps}");
                Assert.That(env.ElapsedSteps, Is.EqualTo(env.MaxEpisodeSteps), $"road {seed}");
                Assert.That(distance, Is.EqualTo(600 * 0.1 * 15).Within(5.0), $"road {seed}: distance along the road");
            });
        }
    }

    [Test]
    public void Proportional_controller_with_the_nearest_discrete_angle_drives_the_whole_road()
    {
        foreach (int seed in RoadSeeds)
        {
            var env = new DiscreteLaneKeeping(roadSeed: seed);
            var observation = new double[env.ObservationSize];
            env.Reset(new Random(seed), observation);
            StepResult result;
            do
            {
                double delta = Controller(observation);
                int action = 0;
                for (int a = 1; a < env.ActionCount; a++)
                {
                    if (Math.Abs(DiscreteLaneKeeping.SteeringAngles[a] - delta) < Math.Abs(DiscreteLaneKeeping.SteeringAngles[action] - delta))
                    {
                        action = a;
                    }
                }

                result = env.Step(action, observation);
            }
            while (!result.Done);
            Assert.That(result.Terminated, Is.False, $"road {seed}: left the lane at step {env.ElapsedSteps}");
        }
    }

    [Test]
    public void Straight_ahead_leaves_the_lane_early()
    {
        foreach (int seed in RoadSeeds)
        {
            var env = new LaneKeeping(roadSeed: seed);
            var observation = new double[env.ObservationSize];
            env.Reset(new Random(seed), observation);
            StepResult result;
            do
            {
                result = env.Step([0.0], observation);
            }
            while (!result.Done);
            Assert.Multiple(() =>
            {
                Assert.That(result.Terminated, Is.True, $"road {seed}");
                Assert.That(env.ElapsedSteps, Is.LessThan(env.MaxEpisodeSteps / 4), $"road {seed}: survived {env.ElapsedSteps} steps");
            });
        }
    }

    [Test]
    public void Roads_stay_within_the_curvature_bound_and_differ_by_seed()
    {
        var a = new LaneKeepingRoad(new Random(1));
        var b = new LaneKeepingRoad(new Random(2));
        double[] ka = Enumerable.Range(0, 1000).Select(s => a.Curvature(s)).ToArray();
        double[] kb = Enumerable.Range(0, 1000).Select(s => b.Curvature(s)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(ka.Max(Math.Abs), Is.LessThanOrEqualTo(LaneKeepingRoad.MaxCurvature));
            Assert.That(ka, Is.Not.EqualTo(kb));
        });
    }
}
