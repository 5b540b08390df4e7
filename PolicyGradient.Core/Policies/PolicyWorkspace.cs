using PolicyGradient.Approximators;

namespace PolicyGradient.Policies;

/// <summary>
/// Caller-owned scratch for a policy's batched calls: the approximator's saved activations plus the head's
/// outputs f: [C, m] and output gradients f̄: [C, m] for up to <see cref="Capacity"/> rows at a time. Batches
/// larger than the capacity are processed in chunks of it, so the capacity bounds memory, not batch size.
/// Reusing one workspace makes steady-state batched calls allocation-free. Not thread-safe.
/// </summary>
public sealed class PolicyWorkspace
{
    internal PolicyWorkspace(Policy owner, int capacity, int headLength)
    {
        Owner = owner;
        Approximator = owner.Approximator.CreateWorkspace(capacity);
        int m = owner.Approximator.OutputSize;
        Outputs = new double[capacity * m];
        OutputGradients = new double[capacity * m];
        Head = new double[headLength];
    }

    /// <summary>Rows processed per chunk.</summary>
    public int Capacity => Approximator.Capacity;

    internal Policy Owner { get; }

    internal ApproximatorWorkspace Approximator { get; }

    // f: [C, m]
    internal double[] Outputs { get; }

    // f̄: [C, m]
    internal double[] OutputGradients { get; }

    // head-specific scratch (the Gaussian head keeps its log σ and their gradient sums here)
    internal double[] Head { get; }
}
