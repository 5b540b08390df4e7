using PolicyGradient.Approximators;

namespace PolicyGradient.Policies;

/// <summary>
/// Caller-owned scratch for a policy's batched calls: the approximator's saved activations plus the head's
/// inputs f: [C, m], their gradients f̄: [C, m] and action rows [C, ActionWidth] for up to <see cref="Capacity"/> rows
/// at a time. Batches larger than the capacity are processed in chunks of it, so the capacity bounds memory, not
/// batch size, and never changes the result's bits. Reusing one workspace makes steady-state batched calls
/// allocation-free. Not thread-safe.
/// </summary>
public sealed class PolicyWorkspace
{
    internal PolicyWorkspace(Policy owner, int capacity)
    {
        Owner = owner;
        Approximator = owner.Approximator.CreateWorkspace(capacity);
        long m = owner.Approximator.OutputSize;
        Outputs = new double[capacity * m];
        OutputGradients = new double[capacity * m];
        ActionRows = new double[(long)capacity * owner.ActionWidth];
    }

    /// <summary>Rows processed per chunk.</summary>
    public int Capacity => Approximator.Capacity;

    internal Policy Owner { get; }

    internal ApproximatorWorkspace Approximator { get; }

    // f: [C, m]
    internal double[] Outputs { get; }

    // f̄: [C, m]
    internal double[] OutputGradients { get; }

    // action rows a: [C, ActionWidth], for callers that hold actions in another form (int indices)
    internal double[] ActionRows { get; }
}
