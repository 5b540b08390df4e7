using System.Globalization;
using System.Diagnostics;
using PolicyGradient.Environments;
using PolicyGradient.Estimators;
using PolicyGradient.Numerics;
using PolicyGradient.Optimization;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Training;

/// <summary>How a <see cref="Trainer"/> runs.</summary>
public sealed record TrainerOptions
{
    /// <summary>N, the episodes sampled per iteration.</summary>
    public int EpisodesPerIteration { get; init; } = 10;

    /// <summary>Training stops once this many environment steps have been sampled.</summary>
    public long MaxEnvironmentSteps { get; init; } = 200_000;

    /// <summary>
    /// Gymnasium's "solved": training stops when the mean return of the last <see cref="ReturnWindow"/> training
    /// episodes reaches it (with the window full). Null: train until the step budget.
    /// </summary>
    public double? TargetReturn { get; init; }

    /// <summary>Episodes in the moving window of training returns (100, as Gymnasium's leaderboards use).</summary>
    public int ReturnWindow { get; init; } = 100;

    /// <summary>Seed: iteration m samples episode i from <see cref="EpisodeRandom"/>(seed·1,000,003 + m, i).</summary>
    public long Seed { get; init; }

    /// <summary>Sampling threads (0: all cores). The result does not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Training stops with a <see cref="TrainingDivergedException"/> after this many optimiser steps in a row are
    /// refused (a non-finite gradient): 10 by default; at least 1.
    /// </summary>
    public int MaxRefusedStepsInARow { get; init; } = 10;
}

/// <summary>Training cannot go on: θ is not finite, or the optimiser refused too many steps in a row.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message saying why.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>What one training iteration did.</summary>
/// <param name="Iteration">1-based iteration.</param>
/// <param name="EnvironmentSteps">Environment steps sampled so far.</param>
/// <param name="MeanReturn">Mean undiscounted return of this iteration's episodes.</param>
/// <param name="MinReturn">Their smallest return.</param>
/// <param name="MaxReturn">Their largest return.</param>
/// <param name="RecentMeanReturn">Mean return of the last (up to) ReturnWindow training episodes.</param>
/// <param name="RecentEpisodes">Episodes in that window.</param>
/// <param name="GradientNorm">‖ĝ‖₂ of this iteration's estimate.</param>
/// <param name="GradientVariance">The estimator's reported variance tr Cov ĝ.</param>
/// <param name="StepApplied">Whether the optimiser applied the step (false: a non-finite gradient was refused).</param>
/// <param name="WallTime">Time since training started.</param>
public readonly record struct TrainingProgress(int Iteration, long EnvironmentSteps, double MeanReturn, double MinReturn, double MaxReturn, double RecentMeanReturn, int RecentEpisodes, double GradientNorm, double GradientVariance, bool StepApplied, TimeSpan WallTime);

/// <summary>The outcome of <see cref="Trainer.Train"/>.</summary>
/// <param name="Solved">Whether the target return was reached.</param>
/// <param name="EnvironmentStepsToSolve">Environment steps when it was reached; null if not.</param>
/// <param name="TotalEnvironmentSteps">Environment steps sampled in all.</param>
/// <param name="FinalRecentMeanReturn">Mean return of the last ReturnWindow training episodes at the end.</param>
/// <param name="WallTime">Total training time.</param>
/// <param name="History">Every iteration's progress.</param>
public sealed record TrainingResult(bool Solved, long? EnvironmentStepsToSolve, long TotalEnvironmentSteps, double FinalRecentMeanReturn, TimeSpan WallTime, IReadOnlyList<TrainingProgress> History);

/// <summary>The return of a policy's greedy (softmax) or mean (Gaussian) actions over K episodes.</summary>
/// <param name="MeanReturn">Mean undiscounted episode return.</param>
/// <param name="StdReturn">Its standard deviation (population).</param>
/// <param name="Episodes">K.</param>
/// <param name="Returns">Every episode's return.</param>
/// <param name="TerminatedEpisodes">Episodes that ended in a terminal state (for lane keeping: left the lane) rather than at the time limit.</param>
public sealed record EvaluationResult(double MeanReturn, double StdReturn, int Episodes, IReadOnlyList<double> Returns, int TerminatedEpisodes);

/// <summary>
/// Policy-gradient training: iterations of sample (N episodes) → estimate ∇J → optimiser step (an
/// <see cref="IBatchOptimizer"/> first observes the batch), until the target
/// return or the step budget. Fully determined by the options' seed, whatever the thread count. Buffers live as long
/// as the trainer, so iterations after the first allocate nothing but their progress record.
/// </summary>
public sealed class Trainer
{
    private readonly Sampler _sampler;
    private readonly TrajectoryBatch _batch;
    private readonly double[] _gradient;
    private readonly double[] _window;

    /// <summary>Creates a trainer of <paramref name="policy"/> (whose θ it changes in place).</summary>
    /// <exception cref="ArgumentException">The policy does not fit the task, or an option is out of range.</exception>
    public Trainer(Func<TaskEnvironment> task, Policy policy, GradientEstimator estimator, Optimizer optimizer, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        string? invalid = InvalidOption(options, estimator.Baseline);
        if (invalid is not null)
        {
            throw new ArgumentOutOfRangeException(nameof(options), invalid);
        }

        (Policy, Estimator, Optimizer, Options) = (policy, estimator, optimizer, options);
        _sampler = new Sampler(task, options.Threads);
        _batch = _sampler.CreateBatch();
        _gradient = new double[policy.ParameterCount];
        _window = new double[options.ReturnWindow];
        _sampler.CheckFits(policy, _batch);
    }

    /// <summary>The policy being trained.</summary>
    public Policy Policy { get; }

    /// <summary>The gradient estimator.</summary>
    public GradientEstimator Estimator { get; }

    /// <summary>The optimiser.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>Raised after every iteration (on the training thread).</summary>
    public event EventHandler<TrainingProgress>? IterationCompleted;

    /// <summary>Trains until the target return or the step budget, reporting each iteration.</summary>
    public TrainingResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckFiniteParameters("before training");
        var clock = Stopwatch.StartNew();
        int refusedInARow = 0;
        var history = new List<TrainingProgress>();
        long steps = 0;
        long? solvedAt = null;
        int windowCount = 0, windowNext = 0;
        double windowSum = 0;
        for (int iteration = 1; steps < Options.MaxEnvironmentSteps && solvedAt is null; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // no episode runs past the remaining budget, so a task that never ends cannot exhaust memory
            _sampler.SampleEpisodes(Policy, Options.EpisodesPerIteration, unchecked((Options.Seed * 1_000_003) + iteration), _batch, Options.MaxEnvironmentSteps - steps);
            steps += _batch.StepCount;
            for (int i = 0; i < _batch.EpisodeCount; i++)
            {
                double r = 0;
                foreach (double reward in _batch.Rewards[_batch.EpisodeOffsets[i].._batch.EpisodeOffsets[i + 1]])
                {
                    r += reward; // in step order, the same bits on every CPU
                }

                windowSum += r - (windowCount == _window.Length ? _window[windowNext] : 0);
                _window[windowNext] = r;
                windowNext = (windowNext + 1) % _window.Length;
                windowCount = Math.Min(windowCount + 1, _window.Length);
            }

            GradientEstimate estimate;
            try
            {
                estimate = Estimator.Estimate(Policy, _batch, _gradient);
                (Optimizer as IBatchOptimizer)?.Observe(Policy, _batch); // e.g. the natural gradient's Fisher estimate
            }
            catch (OverflowException)
            {
                // An estimate too large to represent is an infinite gradient: the optimiser refuses it like any other.
                Array.Fill(_gradient, double.PositiveInfinity);
                estimate = new GradientEstimate(_batch.EpisodeCount, _batch.StepCount, double.NaN, double.NaN, double.NaN, double.NaN);
            }

            OptimizerStep step = Optimizer.Step(Policy.Parameters, _gradient);
            refusedInARow = step.Applied ? 0 : refusedInARow + 1;
            if (refusedInARow >= Options.MaxRefusedStepsInARow)
            {
                throw new TrainingDivergedException($"The optimiser refused {refusedInARow} steps in a row (iteration {iteration}: {step.Refusal}); θ is unchanged since the last applied step. Lower the learning rate or clip the gradient norm.");
            }
            double recent = windowSum / windowCount;
            if (Options.TargetReturn is { } target && windowCount == _window.Length && recent >= target)
            {
                solvedAt = steps;
            }

            var report = new TrainingProgress(iteration, steps, estimate.MeanReturn, estimate.MinReturn, estimate.MaxReturn, recent, windowCount, step.GradientNorm, estimate.EstimatorVariance, step.Applied, clock.Elapsed);
            history.Add(report);
            progress?.Report(report);
            IterationCompleted?.Invoke(this, report);
        }

        return new TrainingResult(solvedAt is not null, solvedAt, steps, windowCount == 0 ? double.NaN : windowSum / windowCount, clock.Elapsed, history);
    }

    /// <summary>
    /// Runs K episodes with the policy's mode (greedy for softmax, mean for Gaussian, mode for Beta); episode i resets from
    /// <see cref="EpisodeRandom"/>(seed, i). θ is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">The policy does not fit the task, or episodes ≤ 0.</exception>
    public static EvaluationResult Evaluate(Func<TaskEnvironment> task, Policy policy, int episodes, long seed)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(policy);
        ThrowHelper.CheckPositive(episodes, nameof(episodes));
        var sampler = new Sampler(task, threads: 1); // the sampling path, acting with the mode
        TrajectoryBatch batch = sampler.CreateBatch();
        sampler.ModeEpisodes(policy, episodes, seed, batch);
        var returns = new double[episodes];
        int terminated = 0;
        for (int i = 0; i < episodes; i++)
        {
            foreach (double reward in batch.Rewards[batch.EpisodeOffsets[i]..batch.EpisodeOffsets[i + 1]])
            {
                returns[i] += reward;
            }

            terminated += batch.Terminated[i] ? 1 : 0;
        }

        double mean = returns.Average();
        return new EvaluationResult(mean, Math.Sqrt(returns.Average(r => (r - mean) * (r - mean))), episodes, returns, terminated);
    }

    // The first option out of range, said as "Expected TrainerOptions.X …, got v."; null when all are in range.
    private static string? InvalidOption(TrainerOptions o, Baseline baseline)
    {
        (bool Valid, string Name, object? Value, string Expected)[] checks =
        [
            (o.EpisodesPerIteration > 0, "EpisodesPerIteration", o.EpisodesPerIteration, "> 0"),
            (o.ReturnWindow > 0, "ReturnWindow", o.ReturnWindow, "> 0"),
            (o.MaxEnvironmentSteps > 0, "MaxEnvironmentSteps", o.MaxEnvironmentSteps, "> 0"),
            (o.MaxRefusedStepsInARow > 0, "MaxRefusedStepsInARow", o.MaxRefusedStepsInARow, "> 0"),
            (o.Threads >= 0, "Threads", o.Threads, "≥ 0 (0: all cores)"),
            (o.TargetReturn is null || double.IsFinite(o.TargetReturn.Value), "TargetReturn", o.TargetReturn, "finite, or null"),
            (o.EpisodesPerIteration >= baseline.MinimumEpisodes, "EpisodesPerIteration", o.EpisodesPerIteration, $"≥ {baseline.MinimumEpisodes} for the {baseline.Name} baseline"),
        ];
        foreach ((bool valid, string name, object? value, string expected) in checks)
        {
            if (!valid)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Expected TrainerOptions.{name} {expected}, got {value}.");
            }
        }

        return null;
    }

    private void CheckFiniteParameters(string when)
    {
        ReadOnlySpan<double> theta = Policy.Parameters;
        for (int k = 0; k < theta.Length; k++)
        {
            if (!double.IsFinite(theta[k]))
            {
                throw new TrainingDivergedException($"θ[{k}] = {theta[k]} {when}: training needs a finite θ.");
            }
        }
    }
}
