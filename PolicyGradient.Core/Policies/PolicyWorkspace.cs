using PolicyGradient.Approximators;
using PolicyGradient.Numerics;

namespace PolicyGradient.Policies;

/// <summary>
/// Caller-owned scratch for a policy's batched calls: the approximator's saved activations plus the head's
/// inputs f: [C, m], their gradients f̄: [C, m] and action rows for up to <see cref="Capacity"/> rows at a time, a
/// partial gradient [ParameterCount] for one chunk of <see cref="Policy.GradientChunkRows"/> rows, and, for
/// <see cref="Threads"/> &gt; 1, one lane per further thread. Batches larger than the capacity are processed in
/// pieces of it, so the capacity bounds memory, not batch size, and never changes the result's bits; nor does the
/// thread count. Reusing one workspace makes steady-state batched calls on one thread allocation-free. Not
/// thread-safe: one call at a time.
/// </summary>
public sealed class PolicyWorkspace
{
    private readonly AlignedBuffer _outputs, _outputGradients, _partial;
    private readonly Action<int> _runLane;
    private readonly LaneRunner? _runner;
    private Action<Lane>? _laneWork;

    internal PolicyWorkspace(Policy owner, int capacity, int threads)
    {
        Owner = owner;
        Approximator = owner.Approximator.CreateWorkspace(capacity);
        int m = owner.Approximator.OutputSize; // capacity·m checked by Policy.CreateWorkspace
        _outputs = new AlignedBuffer(capacity * m);
        _outputGradients = new AlignedBuffer(capacity * m);
        IndexRows = new double[Math.Max(capacity, Policy.GradientChunkRows)];
        _partial = new AlignedBuffer(owner.ParameterCount);
        Threads = threads;
        Lanes = threads == 1 ? [] : new Lane[threads]; // one thread sums its chunks in place
        for (int t = 0; t < Lanes.Length; t++)
        {
            Lanes[t] = new Lane(t == 0 ? this : new PolicyWorkspace(owner, capacity, 1), owner);
        }

        _runLane = t => _laneWork!(Lanes[t]);
        _runner = threads == 1 ? null : new LaneRunner(threads);
    }

    /// <summary>Rows processed per piece.</summary>
    public int Capacity => Approximator.Capacity;

    /// <summary>Threads a batched gradient uses.</summary>
    public int Threads { get; }

    internal Policy Owner { get; }

    internal ApproximatorWorkspace Approximator { get; }

    // f: [C, m]
    internal Span<double> Outputs => _outputs.Span;

    // f̄: [C, m]
    internal Span<double> OutputGradients => _outputGradients.Span;

    // action indices as rows [max(C, chunk)], for the discrete head's typed overloads
    internal double[] IndexRows { get; }

    // one chunk's gradient, summed from zero: [ParameterCount]
    internal Span<double> Partial => _partial.Span;

    // lane t: the workspace of thread t and its loaded chunk (none for one thread)
    internal Lane[] Lanes { get; }

    /// <summary>Runs <paramref name="work"/> on lanes [0, lanes) in parallel.</summary>
    internal void RunLanes(int lanes, Action<Lane> work)
    {
        _laneWork = work;
        try
        {
            _runner!.Run(lanes, _runLane); // rethrows the lowest failing lane's exception, as one thread would meet it
        }
        finally
        {
            _laneWork = null;
        }
    }

    /// <summary>One thread's workspace and the chunk of rows copied in for it.</summary>
    internal sealed class Lane(PolicyWorkspace workspace, Policy owner)
    {
        public PolicyWorkspace Workspace { get; } = workspace;

        public int Count { get; private set; }

        public double[] Observations { get; } = new double[(long)Policy.GradientChunkRows * owner.ObservationSize];

        public double[] Actions { get; } = new double[(long)Policy.GradientChunkRows * owner.ActionWidth];

        public double[] Weights { get; } = new double[Policy.GradientChunkRows];

        // Copies one chunk's rows in (actions may be empty, for an entropy gradient).
        public void Load(int count, ReadOnlySpan<double> observations, ReadOnlySpan<double> actions, ReadOnlySpan<double> weights)
        {
            Count = count;
            observations.CopyTo(Observations);
            actions.CopyTo(Actions);
            weights.CopyTo(Weights);
        }
    }
}
