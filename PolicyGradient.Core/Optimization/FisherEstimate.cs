using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;
using PolicyGradient.Sampling;

namespace PolicyGradient.Optimization;

/// <summary>
/// The Fisher matrix of the trajectory distribution estimated from a batch of N episodes,
/// F̂ = (1/N) Σ_i Σ_t s_{i,t} s_{i,t}ᵀ with s_{i,t} = ∇_θ log π(a_{i,t}|s_{i,t}): the per-step estimate of
/// F = E[∇log p_θ(τ) ∇log p_θ(τ)ᵀ] = Σ_t E[s_t s_tᵀ] (the cross-time terms of the per-trajectory form
/// (1/N) Σ_i g_i g_iᵀ, g_i = Σ_t s_{i,t}, have mean zero, so both are unbiased; the per-step one drops their noise).
/// Undiscounted: it is the metric of p_θ(τ), whatever discount the gradient used. The T × P score rows are kept, so
/// F̂v = (1/N) Sᵀ(S v) costs two matrix–vector products and F̂ itself is formed only when asked for.
/// </summary>
public sealed class FisherEstimate
{
    private double[] _scores = [];
    private double[] _rowValues = [];

    /// <summary>P, the length of θ (0 before the first <see cref="Compute"/>).</summary>
    public int ParameterCount { get; private set; }

    /// <summary>T, the score rows (steps) of the batch.</summary>
    public int Rows { get; private set; }

    /// <summary>N, the episodes of the batch.</summary>
    public int Episodes { get; private set; }

    /// <summary>Whether an estimate is held (false before the first <see cref="Compute"/> and after one that failed).</summary>
    public bool IsComputed { get; private set; }

    /// <summary>Computes the T score rows of <paramref name="batch"/> under <paramref name="policy"/>'s current θ.</summary>
    /// <exception cref="ArgumentException">The batch is empty or does not fit the policy.</exception>
    /// <exception cref="OverflowException">A score overflowed (θ too large); no estimate is then held.</exception>
    public void Compute(Policy policy, TrajectoryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckPolicy(policy);
        if (batch.EpisodeCount == 0 || batch.IsEpisodeOpen)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a batch of at least one complete episode, got {batch.EpisodeCount} (open: {batch.IsEpisodeOpen})."), nameof(batch));
        }

        IsComputed = false;
        int p = policy.ParameterCount, rows = batch.StepCount, n = policy.ObservationSize, w = policy.ActionWidth;
        long length = (long)rows * p;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"T × P = {rows} × {p} score rows exceed the largest array .NET can allocate."), nameof(batch));
        }

        if (_scores.Length < length)
        {
            _scores = new double[length];
        }

        Span<double> scores = _scores.AsSpan(0, (int)length);
        scores.Clear();
        for (int t = 0; t < rows; t++)
        {
            policy.AccumulateScore(batch.Observations.Slice(t * n, n), batch.Actions.Slice(t * w, w), 1.0, scores.Slice(t * p, p));
        }

        (ParameterCount, Rows, Episodes, IsComputed) = (p, rows, batch.EpisodeCount, true);
    }

    /// <summary>destination = F̂ v = (1/N) Sᵀ(S v), without forming F̂.</summary>
    /// <exception cref="ArgumentException">A length is not P.</exception>
    /// <exception cref="InvalidOperationException">No estimate is held.</exception>
    public void Multiply(ReadOnlySpan<double> vector, Span<double> destination)
    {
        CheckComputed();
        ThrowHelper.CheckLength(vector.Length, ParameterCount, nameof(vector), "[ParameterCount]");
        ThrowHelper.CheckLength(destination.Length, ParameterCount, nameof(destination), "[ParameterCount]");
        if (_rowValues.Length < 2 * Rows)
        {
            _rowValues = new double[2 * Rows];
        }

        ReadOnlySpan<double> scores = _scores.AsSpan(0, Rows * ParameterCount);
        Span<double> values = _rowValues.AsSpan(0, Rows), zero = _rowValues.AsSpan(Rows, Rows);
        zero.Clear();
        Kernels.Gemv(scores, vector, zero, values);                 // S v: [T]
        destination.Clear();
        Kernels.GemvTransposedAccumulate(scores, values, destination); // Sᵀ (S v): [P]
        System.Numerics.Tensors.TensorPrimitives.Multiply(destination, 1.0 / Episodes, destination);
    }

    /// <summary>Writes F̂ = (1/N) SᵀS into <paramref name="destination"/>: [P, P] row-major (symmetric).</summary>
    /// <exception cref="ArgumentException">The destination is not of length P².</exception>
    /// <exception cref="InvalidOperationException">No estimate is held.</exception>
    public void CopyTo(Span<double> destination)
    {
        CheckComputed();
        ThrowHelper.CheckSquare(destination.Length, ParameterCount, nameof(destination), "[ParameterCount, ParameterCount], row-major");
        // S row-major [T, P] read column-major is Sᵀ: [P, T]
        Matrix<double> transposed = Matrix<double>.Build.Dense(ParameterCount, Rows, _scores.AsSpan(0, Rows * ParameterCount).ToArray());
        Matrix<double> fisher = transposed.TransposeAndMultiply(transposed) / Episodes;
        fisher.ToColumnMajorArray().CopyTo(destination); // symmetric: column-major = row-major
    }

    private void CheckComputed()
    {
        if (!IsComputed)
        {
            throw new InvalidOperationException("No Fisher estimate is held: call Compute with a batch first.");
        }
    }
}
