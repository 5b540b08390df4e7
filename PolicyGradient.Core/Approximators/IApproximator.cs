namespace PolicyGradient.Approximators;

/// <summary>
/// A differentiable function f(s; θ): ℝⁿ → ℝᵐ with a flat parameter vector θ, evaluated forward and
/// differentiated backward by hand. Backward passes compute vector–Jacobian products ḡᵀ ∂f/∂θ and
/// <em>accumulate</em> (+=) them into a caller's gradient span.
/// Implementations hold no mutable state: every scratch buffer is passed in, so one instance serves many threads.
/// </summary>
public interface IApproximator
{
    /// <summary>n, the length of an input row.</summary>
    int InputSize { get; }

    /// <summary>m, the length of an output row.</summary>
    int OutputSize { get; }

    /// <summary>Length of θ.</summary>
    int ParameterCount { get; }

    /// <summary>Doubles of scratch that one-row <see cref="Forward"/> and <see cref="BackwardAccumulate"/> need.</summary>
    int RowWorkspaceSize { get; }

    /// <summary>Writes initial parameters drawn from <paramref name="random"/> (the scheme is documented per type).</summary>
    void Initialize(Span<double> parameters, Random random);

    /// <summary>output = f(input; θ) for one row; saves what the backward pass needs in <paramref name="workspace"/>.</summary>
    void Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, Span<double> workspace);

    /// <summary>
    /// parameterGradient += outputGradientᵀ ∂f(input; θ)/∂θ for one row, using what <see cref="Forward"/> saved in
    /// <paramref name="workspace"/> for the same parameters and input.
    /// </summary>
    void BackwardAccumulate(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, Span<double> workspace);

    /// <summary>Creates a caller-owned workspace for batches of up to <paramref name="capacity"/> rows.</summary>
    ApproximatorWorkspace CreateWorkspace(int capacity);

    /// <summary>
    /// output: [B, m] = f(input: [B, n]; θ) row by row, B ≤ workspace capacity; saves activations in the workspace.
    /// </summary>
    void ForwardBatched(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Span<double> output, ApproximatorWorkspace workspace);

    /// <summary>
    /// parameterGradient += Σ_rows outputGradient[r]ᵀ ∂f(input[r]; θ)/∂θ over B rows, using the activations saved by
    /// the last <see cref="ForwardBatched"/> on the same workspace, parameters and input.
    /// </summary>
    void BackwardBatchedAccumulate(int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, Span<double> parameterGradient, ApproximatorWorkspace workspace);
}
