using PolicyGradient.Analysis;
using PolicyGradient.Approximators;
using PolicyGradient.Distributions;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Tests.Estimators;

/// <summary>A fixed V(s) = 1 + Σ_j (j + 1)/2 · s_j for observations of any length, independent of t.</summary>
internal sealed class AffineStateValues : StateValueFunction
{
    public override string Name => "affine V";

    public static double Value(ReadOnlySpan<double> s)
    {
        double v = 1;
        for (int j = 0; j < s.Length; j++)
        {
            v += 0.5 * (j + 1) * s[j];
        }

        return v;
    }

    public override void Evaluate(TrajectoryBatch batch, Span<double> values, Span<double> finalValues)
    {
        int n = batch.ObservationSize;
        for (int t = 0; t < batch.StepCount; t++)
        {
            values[t] = Value(batch.Observations.Slice(t * n, n));
        }

        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            finalValues[i] = Value(batch.FinalObservations.Slice(i * n, n));
        }
    }
}

[TestFixture]
[Category("Estimators")]
public class ValueBaselineTests
{
    // Three episodes of 1-d observations: terminated, truncated, truncated; rewards and observations chosen by hand.
    private static TrajectoryBatch HandBatch()
    {
        var batch = new TrajectoryBatch(1, ActionSpace.Discrete(2));
        (double[] Rewards, bool Terminated, bool Truncated, double Final)[] episodes =
        [
            ([1.0, -2.0, 0.5], true, false, 7.0),
            ([3.0, 1.0], false, true, -4.0),
            ([2.5], false, true, 2.0),
        ];
        double s = 0.25;
        foreach ((double[] rewards, bool terminated, bool truncated, double final) in episodes)
        {
            batch.BeginEpisode();
            foreach (double r in rewards)
            {
                batch.AddStep([s], 0, r, 0);
                s = -(s + 0.75);
            }

            batch.EndEpisode(terminated, truncated, [final]);
        }

        return batch;
    }

    private static double[] Advantages(TrajectoryBatch batch, double gamma, double lambda)
    {
        var context = new EstimationContext(ReturnKind.RewardToGo, gamma);
        context.Reset(SoftmaxPolicy.Linear(1, 2, seed: 1), batch);
        var advantages = new double[batch.StepCount];
        new ValueBaseline(new AffineStateValues(), lambda).Advantages(context, advantages);
        return advantages;
    }

    /// <summary>A_t = Σ_{l=0}^{T−1−t} (γλ)^l δ_{t+l}, δ_t = r_t + γV(s_{t+1}) − V(s_t), V(s_T) = final value if truncated, 0 if terminated.</summary>
    [TestCase(1.0, 1.0)]
    [TestCase(0.9, 0.95)]
    [TestCase(0.8, 0.0)]
    public void Gae_advantages_are_the_discounted_sums_of_td_errors_bootstrapped_only_at_truncation(double gamma, double lambda)
    {
        TrajectoryBatch batch = HandBatch();
        double[] actual = Advantages(batch, gamma, lambda);
        var expected = new double[batch.StepCount];
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            int start = batch.EpisodeOffsets[i], end = batch.EpisodeOffsets[i + 1];
            double V(int t) => t < end ? AffineStateValues.Value(batch.Observations.Slice(t, 1)) : batch.Truncated[i] ? AffineStateValues.Value(batch.FinalObservations.Slice(i, 1)) : 0;
            for (int t = start; t < end; t++)
            {
                for (int l = 0; t + l < end; l++)
                {
                    double delta = batch.Rewards[t + l] + (gamma * V(t + l + 1)) - V(t + l);
                    expected[t] += Math.Pow(gamma * lambda, l) * delta;
                }
            }
        }

        // both sides sum at most 3 terms of size ≤ 10: a few ulps of 10
        Assert.That(actual, Is.EqualTo(expected).Within(1e-13));
    }

    [Test]
    public void With_lambda_one_the_advantage_is_reward_to_go_plus_bootstrap_minus_value()
    {
        TrajectoryBatch batch = HandBatch();
        const double gamma = 0.9;
        double[] actual = Advantages(batch, gamma, 1.0);
        var toGo = new double[batch.StepCount];
        Returns.RewardToGo(batch, gamma, toGo);
        var expected = new double[batch.StepCount];
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            int end = batch.EpisodeOffsets[i + 1];
            double bootstrap = batch.Truncated[i] ? AffineStateValues.Value(batch.FinalObservations.Slice(i, 1)) : 0;
            for (int t = batch.EpisodeOffsets[i]; t < end; t++)
            {
                expected[t] = toGo[t] + (Math.Pow(gamma, end - t) * bootstrap) - AffineStateValues.Value(batch.Observations.Slice(t, 1));
            }
        }

        Assert.That(actual, Is.EqualTo(expected).Within(1e-13));
    }

    public static IEnumerable<TestCaseData> Approximators()
    {
        yield return new TestCaseData(new LinearMap(3, 1)).SetArgDisplayNames("linear");
        yield return new TestCaseData(new Mlp(3, [16, 8], 1)).SetArgDisplayNames("mlp tanh");
    }

    private static (double[] Observations, double[] Targets) RegressionData(int rows, int seed)
    {
        var random = new Random(seed);
        double[] s = Enumerable.Range(0, rows * 3).Select(_ => (2 * random.NextDouble()) - 1).ToArray();
        double[] y = Enumerable.Range(0, rows).Select(r => Math.Sin(3 * s[3 * r]) + (s[(3 * r) + 1] * s[(3 * r) + 2])).ToArray();
        return (s, y);
    }

    /// <summary>∇_φ of (1/T) Σ ½(V − y)², by the approximator's backward pass, against fourth-order differences of the loss (T = 300 spans two chunks).</summary>
    [TestCaseSource(nameof(Approximators))]
    public void Critic_regression_gradient_matches_finite_differences(IApproximator approximator)
    {
        var critic = new Critic(approximator, seed: 3);
        var random = new Random(4);
        for (int k = 0; k < critic.ParameterCount; k++)
        {
            critic.Parameters[k] = random.NextDouble() - 0.5; // away from the near-zero output layer, so every weight matters
        }

        (double[] s, double[] y) = RegressionData(300, 5);
        var analytic = new double[critic.ParameterCount];
        critic.LossGradient(s, y, analytic);
        var numeric = new double[critic.ParameterCount];
        var scratch = new double[critic.ParameterCount];
        var phi = critic.Parameters.ToArray();
        GradientCheck.CentralDifferences(phi, () =>
        {
            phi.CopyTo(critic.Parameters);
            return critic.LossGradient(s, y, scratch);
        }, GradientCheck.DefaultStep, numeric);
        phi.CopyTo(critic.Parameters);
        Assert.That(GradientCheck.CompareGradients(analytic, numeric).MaxRelativeError, Is.LessThan(1e-6));
    }

    [TestCaseSource(nameof(Approximators))]
    public void Critic_fit_lowers_the_regression_loss(IApproximator approximator)
    {
        var critic = new Critic(approximator, learningRate: 0.01, iterations: 200, seed: 1);
        (double[] s, double[] y) = RegressionData(500, 6);
        var g = new double[critic.ParameterCount];
        double before = critic.LossGradient(s, y, g);
        critic.Fit(s, y);
        double after = critic.LossGradient(s, y, g);
        Assert.That(after, Is.LessThan(0.5 * before), "200 Adam steps halve the loss at least (the linear map's best fit explains about half the variance)");
    }

    [Test]
    public void Estimate_fits_the_learned_critic_towards_the_returns()
    {
        // a bandit with one state: V* is the mean reward under π, which the critic approaches from 0
        Func<TaskEnvironment> task = () => new Bandit([2.0, 1.0], [0.1, 0.1]);
        SoftmaxPolicy policy = SoftmaxPolicy.Linear(1, 2, seed: 1);
        var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, Value: new ValueOptions(CriticHidden: [], CriticLearningRate: 0.05, CriticIterations: 20)));
        var sampler = new Sampler(task, 1);
        TrajectoryBatch batch = sampler.CreateBatch();
        var g = new double[policy.ParameterCount];
        for (int m = 0; m < 50; m++)
        {
            sampler.SampleEpisodes(policy, 16, m, batch);
            estimator.Estimate(policy, batch, g);
        }

        double v = estimator.Critic!.Value([1.0]);
        Assert.That(v, Is.EqualTo(1.5).Within(0.15), "π is uniform at θ = 0.01-scale, so V = (2 + 1)/2; 50 × 16 noisy rewards of σ = 0.1 and Adam's last steps leave < 0.15");
    }

    [Test]
    public void Options_refuse_meaningless_combinations()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new EstimatorOptions(ReturnKind.Total, BaselineKind.Value).CreateBaseline(), Throws.ArgumentException.With.Message.Contains("RewardToGo"));
            Assert.That(() => new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, LeaveOneOut: true).CreateBaseline(), Throws.ArgumentException.With.Message.Contains("leave-one-out"));
            Assert.That(() => new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, Value: new ValueOptions()).CreateBaseline(), Throws.ArgumentException.With.Property("ParamName").EqualTo("Value"));
            Assert.That(() => new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, Value: new ValueOptions(GaeLambda: 1.5)).CreateBaseline(), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, Value: new ValueOptions(CriticHidden: [0])).CreateBaseline(), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, Value: new ValueOptions(CriticLearningRate: 0)).CreateBaseline(), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, Value: new ValueOptions(CriticIterations: 0)).CreateBaseline(), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EstimatorOptions(EntropyBonus: -0.1).CreateBaseline(), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EstimatorOptions(EntropyBonus: double.NaN).CreateBaseline(), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Critic(new LinearMap(3, 2)), Throws.ArgumentException);
            Assert.That(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, Normalize: true, Discount: 0.9, Value: new ValueOptions(0.95, [64, 64], 0.003, 20), EntropyBonus: 0.01).Name,
                Is.EqualTo("reward-to-go+value+norm"), "the canonical name carries neither λ, the critic nor β (EstimatorNames)");
            Assert.That(EstimatorNames.Parse("reward-to-go+value+norm", 0.9), Is.EqualTo(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Value, Normalize: true, Discount: 0.9)));
        });
    }

    public static IEnumerable<TestCaseData> Heads()
    {
        // a Gaussian's entropy depends on log σ alone, the same at every state: with episodes of equal length its bonus shifts every term alike
        yield return new TestCaseData(SoftmaxPolicy.Mlp(4, [8], 2, seed: 2), (Func<TaskEnvironment>)(() => new CartPole()), true).SetArgDisplayNames("softmax");
        yield return new TestCaseData(GaussianPolicy.Mlp(3, [8], 1, seed: 2), (Func<TaskEnvironment>)(() => new Pendulum(maxEpisodeSteps: 30)), false).SetArgDisplayNames("gaussian");
        Pendulum pendulum = new(maxEpisodeSteps: 30);
        yield return new TestCaseData(PolicyRegistry.CreateForTask("beta", 3, pendulum.ActionSpace, [8], seed: 2), (Func<TaskEnvironment>)(() => new Pendulum(maxEpisodeSteps: 30)), true).SetArgDisplayNames("beta");
    }

    /// <summary>ĝ(β) − ĝ(0) = (β/N) Σ_i Σ_t ∇_θ H(π(·|s_{i,t})): the bonus is summed over an episode and averaged over episodes.</summary>
    [TestCaseSource(nameof(Heads))]
    public void Entropy_bonus_adds_beta_times_the_mean_episode_sum_of_entropy_gradients(Policy policy, Func<TaskEnvironment> task, bool bonusVariesByEpisode)
    {
        var sampler = new Sampler(task, 1);
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.SampleEpisodes(policy, 5, 3, batch);
        const double beta = 0.3;
        var plain = new double[policy.ParameterCount];
        var bonus = new double[policy.ParameterCount];
        GradientEstimate withoutBonus = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average)).Estimate(policy, batch, plain);
        GradientEstimate withBonus = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, EntropyBonus: beta)).Estimate(policy, batch, bonus);
        var entropy = new double[policy.ParameterCount];
        policy.AccumulateEntropyGradients(batch.Observations, Enumerable.Repeat(beta / batch.EpisodeCount, batch.StepCount).ToArray(), entropy, policy.CreateWorkspace());
        double scale = plain.Concat(entropy).Max(Math.Abs) + 1;
        Assert.Multiple(() =>
        {
            for (int k = 0; k < plain.Length; k++)
            {
                Assert.That(bonus[k], Is.EqualTo(plain[k] + entropy[k]).Within(1e-12 * scale), $"θ[{k}]");
            }

            if (bonusVariesByEpisode)
            {
                Assert.That(withBonus.TermVariance, Is.Not.EqualTo(withoutBonus.TermVariance), "the bonus is part of each term, so of the reported variance");
            }
        });
    }
}
