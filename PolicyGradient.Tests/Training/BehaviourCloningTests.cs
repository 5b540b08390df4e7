using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Tests.Estimators;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;
using PolicyGradient.Training;

namespace PolicyGradient.Tests.Training;

/// <summary>docs/derivations.md §22: maximum likelihood, the pseudo-loss and the lane-keeping loss are the same score code.</summary>
[TestFixture]
[Category("Training")]
public class BehaviourCloningTests
{
    /// <summary>
    /// Relabel each episode's rewards so that r(τ_i) = 1: REINFORCE's ĝ = (1/N) Σ_i Σ_t ∇log π is then the
    /// maximum-likelihood gradient (1/D) Σ ∇log π times D/N, to rounding (1e-12 relative).
    /// </summary>
    [Test]
    public void Maximum_likelihood_gradient_is_reinforce_with_unit_returns()
    {
        var policy = SoftmaxPolicy.Mlp(4, [8], 2, seed: 1);
        TrajectoryBatch batch = EstimatorTests.SampleBatch(() => new CartPole(), policy, 5, seed: 3);
        var relabelled = new TrajectoryBatch(batch.ObservationSize, batch.ActionSpace);
        int n = batch.ObservationSize;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            relabelled.BeginEpisode();
            for (int t = batch.EpisodeOffsets[i]; t < batch.EpisodeOffsets[i + 1]; t++)
            {
                relabelled.AddStep(batch.Observations.Slice(t * n, n), batch.Actions.Slice(t, 1), t == batch.EpisodeOffsets[i] ? 1.0 : 0.0, batch.LogProbabilities[t]);
            }

            relabelled.EndEpisode(batch.Terminated[i], batch.Truncated[i], batch.FinalObservations.Slice(i * n, n));
        }

        var reinforce = new double[policy.ParameterCount];
        var likelihood = new double[policy.ParameterCount];
        new GradientEstimator(new EstimatorOptions(ReturnKind.Total)).Estimate(policy, relabelled, reinforce);
        BehaviourCloning.LogLikelihoodGradient(policy, batch, likelihood);
        double scale = (double)batch.StepCount / batch.EpisodeCount;
        for (int k = 0; k < reinforce.Length; k++)
        {
            Assert.That(reinforce[k], Is.EqualTo(scale * likelihood[k]).Within(1e-12 * (Math.Abs(reinforce[k]) + 1e-3)), $"θ[{k}]");
        }
    }

    /// <summary>L(θ) is smooth: fourth-order differences at h = 1e-3 agree with the analytic gradient to 1e-7 relative.</summary>
    [Test]
    public void Log_likelihood_gradient_matches_central_differences()
    {
        var policy = GaussianPolicy.Mlp(3, [6], 1, seed: 2);
        TrajectoryBatch batch = EstimatorTests.SampleBatch(() => new Pendulum(maxEpisodeSteps: 20), policy, 3, seed: 4);
        var analytic = new double[policy.ParameterCount];
        var numeric = new double[policy.ParameterCount];
        BehaviourCloning.LogLikelihoodGradient(policy, batch, analytic);
        GradientCheck.CentralDifferences(policy.Parameters, () => BehaviourCloning.LogLikelihoodGradient(policy, batch, new double[policy.ParameterCount]), 1e-3, numeric);
        Assert.That(GradientCheck.CompareGradients(analytic, numeric).MaxRelativeError, Is.LessThanOrEqualTo(1e-7));
    }

    /// <summary>
    /// The lecture's lane-keeping loss, −Σ log P(a|s) R over a batch (divided by N), is minus the pseudo-loss of the
    /// total-return estimator without baseline, so one descent step on it is one ascent step of REINFORCE (whose
    /// gradient is that of the pseudo-loss: <c>EstimatorTests.Estimate_is_the_gradient_of_the_pseudo_loss</c>).
    /// </summary>
    [Test]
    public void Lane_keeping_loss_is_minus_the_total_return_pseudo_loss()
    {
        var policy = SoftmaxPolicy.Linear(new DiscreteLaneKeeping().ObservationSize, new DiscreteLaneKeeping().ActionCount, seed: 5);
        TrajectoryBatch batch = EstimatorTests.SampleBatch(() => new DiscreteLaneKeeping(maxEpisodeSteps: 40), policy, 4, seed: 6);
        double loss = 0;
        for (int i = 0; i < batch.EpisodeCount; i++)
        {
            ReadOnlySpan<double> rewards = batch.Rewards[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]];
            double r = 0;
            foreach (double reward in rewards)
            {
                r += reward;
            }

            for (int t = batch.EpisodeOffsets[i]; t < batch.EpisodeOffsets[i + 1]; t++)
            {
                loss -= batch.LogProbabilities[t] * r; // −log P(a|s) R
            }
        }

        loss /= batch.EpisodeCount;
        double pseudoLoss = new GradientEstimator(new EstimatorOptions(ReturnKind.Total)).PseudoLoss(policy, batch);
        Assert.That(loss, Is.EqualTo(-pseudoLoss).Within(1e-12 * Math.Abs(loss)));
    }

    /// <summary>A policy-gradient expert solves CartPole-v1; 150 maximum-likelihood steps on its 10 sampled episodes give a clone whose greedy return is ≥ 475.</summary>
    [Test]
    public void Cloning_a_trained_cartpole_expert_reaches_the_solved_return()
    {
        var expert = SoftmaxPolicy.Mlp(4, [64], 2, seed: 1);
        var estimator = new GradientEstimator(new EstimatorOptions(ReturnKind.RewardToGo, BaselineKind.Average, LeaveOneOut: true, Normalize: true));
        TrainingResult trained = new Trainer(() => new CartPole(), expert, estimator, new Adam(0.02), new TrainerOptions { EpisodesPerIteration = 4, TargetReturn = 475, Seed = 1, Threads = 1 }).Train();
        Assert.That(trained.Solved);
        TrajectoryBatch demonstrations = EstimatorTests.SampleBatch(() => new CartPole(), expert, 10, seed: 1001);
        var clone = SoftmaxPolicy.Mlp(4, [64], 2, seed: 2);
        double[] curve = BehaviourCloning.Fit(clone, demonstrations, new Adam(0.01), 150);
        Assert.Multiple(() =>
        {
            Assert.That(curve[^1], Is.GreaterThan(curve[0]));
            Assert.That(Trainer.Evaluate(() => new CartPole(), clone, 20, seed: 2001).MeanReturn, Is.GreaterThanOrEqualTo(475));
        });
    }

    [Test]
    public void Bad_arguments_are_refused_naming_them()
    {
        var policy = SoftmaxPolicy.Linear(4, 2, seed: 1);
        TrajectoryBatch empty = new Sampler(() => new CartPole(), 1).CreateBatch();
        TrajectoryBatch batch = EstimatorTests.SampleBatch(() => new CartPole(), policy, 1, seed: 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => BehaviourCloning.LogLikelihoodGradient(policy, empty, new double[policy.ParameterCount]), Throws.ArgumentException.With.Property("ParamName").EqualTo("demonstrations"));
            Assert.That(() => BehaviourCloning.LogLikelihoodGradient(policy, batch, new double[1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("gradient"));
            Assert.That(() => BehaviourCloning.Fit(policy, batch, new Adam(0.01), -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("steps"));
        });
    }
}
