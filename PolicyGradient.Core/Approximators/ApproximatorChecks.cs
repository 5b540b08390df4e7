using PolicyGradient.Numerics;

namespace PolicyGradient.Approximators;

/// <summary>The shape checks every <see cref="IApproximator"/> makes at its public boundary.</summary>
internal static class ApproximatorChecks
{
    public static void Row(IApproximator f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> output, ReadOnlySpan<double> workspace)
    {
        ThrowHelper.CheckLength(parameters.Length, f.ParameterCount, nameof(parameters), "[ParameterCount]");
        ThrowHelper.CheckLength(input.Length, f.InputSize, nameof(input), "[InputSize]");
        ThrowHelper.CheckLength(output.Length, f.OutputSize, nameof(output), "[OutputSize]");
        ThrowHelper.CheckMinimumLength(workspace.Length, f.RowWorkspaceSize, nameof(workspace), "RowWorkspaceSize");
    }

    public static void RowBackward(IApproximator f, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, ReadOnlySpan<double> parameterGradient, ReadOnlySpan<double> workspace)
    {
        Row(f, parameters, input, outputGradient, workspace);
        ThrowHelper.CheckLength(parameterGradient.Length, f.ParameterCount, nameof(parameterGradient), "[ParameterCount]");
    }

    public static void Batch(IApproximator f, int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> output, ApproximatorWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        workspace.CheckFor(f, batch, nameof(workspace));
        ThrowHelper.CheckLength(parameters.Length, f.ParameterCount, nameof(parameters), "[ParameterCount]");
        ThrowHelper.CheckLength(input.Length, (long)batch * f.InputSize, nameof(input), "[B, InputSize]");
        ThrowHelper.CheckLength(output.Length, (long)batch * f.OutputSize, nameof(output), "[B, OutputSize]");
    }

    public static void BatchBackward(IApproximator f, int batch, ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> outputGradient, ReadOnlySpan<double> parameterGradient, ApproximatorWorkspace workspace)
    {
        Batch(f, batch, parameters, input, outputGradient, workspace);
        ThrowHelper.CheckLength(parameterGradient.Length, f.ParameterCount, nameof(parameterGradient), "[ParameterCount]");
    }
}
