using PolicyGradient.Numerics;

namespace PolicyGradient.Approximators;

/// <summary>
/// Caller-owned scratch for the batched passes of one approximator: saved activations for up to
/// <see cref="Capacity"/> rows, two gradient buffers and a packing buffer, at most
/// <see cref="ApproximatorLimits.MaxWorkspaceLength"/> doubles in all. Reusing it makes steady-state batched calls
/// allocation-free. Not thread-safe: give each thread its own.
/// </summary>
public sealed class ApproximatorWorkspace
{
    private readonly AlignedBuffer _activations, _gradientA, _gradientB, _scratch;

    private ApproximatorWorkspace(IApproximator owner, int capacity, int activationLength, int gradientLength, int scratchLength)
    {
        Owner = owner;
        Capacity = capacity;
        _activations = new AlignedBuffer(activationLength);
        _gradientA = new AlignedBuffer(gradientLength);
        _gradientB = new AlignedBuffer(gradientLength);
        _scratch = new AlignedBuffer(scratchLength);
    }

    /// <summary>The largest batch a single batched call may pass.</summary>
    public int Capacity { get; }

    internal IApproximator Owner { get; }

    // hidden activations, layer after layer: [B, n_1] then [B, n_2] ...
    internal Span<double> Activations => _activations.Span;

    // ping-pong buffers for gradients flowing backward: [B, widest hidden layer]
    internal Span<double> GradientA => _gradientA.Span;

    internal Span<double> GradientB => _gradientB.Span;

    // Wᵀ packing / transposed weight-gradient scratch: the largest layer's M·N
    internal Span<double> Scratch => _scratch.Span;

    /// <summary>
    /// A workspace for <paramref name="capacity"/> rows of <paramref name="activationsPerRow"/> saved activations and
    /// <paramref name="gradientWidth"/>-wide gradient buffers, plus <paramref name="scratchLength"/> doubles of packing
    /// scratch; every size is multiplied in 64 bits and the total checked against the limit before allocating.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">capacity ≤ 0, or the workspace would exceed <see cref="ApproximatorLimits.MaxWorkspaceLength"/>.</exception>
    internal static ApproximatorWorkspace Create(IApproximator owner, int capacity, int activationsPerRow, int gradientWidth, int scratchLength)
    {
        Numerics.ThrowHelper.CheckPositive(capacity, nameof(capacity));
        long activations = (long)capacity * activationsPerRow, gradients = (long)capacity * gradientWidth;
        ApproximatorLimits.CheckWorkspaceLength(activations + (2 * gradients) + scratchLength, nameof(capacity));
        return new ApproximatorWorkspace(owner, capacity, (int)activations, (int)gradients, scratchLength);
    }

    internal void CheckFor(IApproximator approximator, int batch, string paramName)
    {
        if (!ReferenceEquals(Owner, approximator))
        {
            throw new ArgumentException("The workspace was created by another approximator; use its own CreateWorkspace.", paramName);
        }

        if (batch <= 0 || batch > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Expected a batch size in [1, {Capacity}] (the workspace capacity).");
        }
    }
}
