using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Analysis;

/// <summary>
/// Checks an analytic score ∇_θ log π(a|s) against fourth-order central finite differences of log π itself:
/// ∂_k J ≈ (J(θ − 2h e_k) − 8 J(θ − h e_k) + 8 J(θ + h e_k) − J(θ + 2h e_k)) / 12h, whose error is about
/// h⁴/30·|∂⁵_k J| + 1.5 ε·|J|/h (≈ 1e-12·|J| at the default h = 1e-4). θ is restored exactly after each probe.
/// </summary>
/// <remarks>
/// The relative error of component k is |g_k − n_k| / max(|g_k|, |n_k|, floor). The floor (default 1e-3) keeps
/// components that are analytically 0 (a dead ReLU, a clamped log σ) from dividing finite-difference noise by 0:
/// below it the comparison is absolute at 1e-3 scale, still four orders above the noise.
/// </remarks>
public static class GradientCheck
{
    /// <summary>The default finite-difference step h (near ε^(1/5) for the fourth-order stencil).</summary>
    public const double DefaultStep = 1e-4;

    /// <summary>The default denominator floor of the relative error.</summary>
    public const double DefaultFloor = 1e-3;

    /// <summary>Compares the policy's score ∇_θ log π(a|s) at (s, a) with central differences of log π.</summary>
    /// <exception cref="ArgumentException">Bad observation or action, or a step that is not positive and finite.</exception>
    public static GradientCheckResult Score(Policy policy, ReadOnlySpan<double> observation, ReadOnlySpan<double> action, double step = DefaultStep, double floor = DefaultFloor)
    {
        ArgumentNullException.ThrowIfNull(policy);
        double[] s = observation.ToArray(), a = action.ToArray();
        return Compare(policy, step, floor, () => policy.LogProbability(s, a), g => policy.AccumulateScore(s, a, 1.0, g));
    }

    /// <summary>Compares the score at (s, a) for a discrete action index a.</summary>
    /// <exception cref="ArgumentException">Bad observation or action, or a step that is not positive and finite.</exception>
    public static GradientCheckResult Score(Policy policy, ReadOnlySpan<double> observation, int action, double step = DefaultStep, double floor = DefaultFloor) =>
        Score(policy, observation, [action], step, floor);

    /// <summary>Compares the entropy gradient ∇_θ H(π(·|s)) with central differences of H.</summary>
    /// <exception cref="ArgumentException">Bad observation, or a step that is not positive and finite.</exception>
    public static GradientCheckResult EntropyGradient(Policy policy, ReadOnlySpan<double> observation, double step = DefaultStep, double floor = DefaultFloor)
    {
        ArgumentNullException.ThrowIfNull(policy);
        double[] s = observation.ToArray();
        PolicyWorkspace workspace = policy.CreateWorkspace(1);
        return Compare(policy, step, floor, () => policy.Entropy(s), g => policy.AccumulateEntropyGradients(s, [1.0], g, workspace));
    }

    /// <summary>
    /// Fourth-order central differences of any scalar function of θ, for checking hand-derived gradients in user
    /// code: writes n_k = (J(θ − 2h e_k) − 8 J(θ − h e_k) + 8 J(θ + h e_k) − J(θ + 2h e_k)) / 12h into
    /// <paramref name="destination"/>, restoring θ bit for bit after each component, also when
    /// <paramref name="objective"/> throws (the exception then propagates, with θ restored and the components before
    /// the failing one written). The arguments are checked before θ is touched.
    /// </summary>
    /// <param name="parameters">θ, perturbed one component at a time while <paramref name="objective"/> runs.</param>
    /// <param name="objective">J, evaluated at the perturbed θ; 4 calls per component.</param>
    /// <param name="step">h: finite and &gt; 0.</param>
    /// <param name="destination">n: θ's length, not overlapping θ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="objective"/> is null.</exception>
    /// <exception cref="ArgumentException">destination is not of θ's length or overlaps θ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The step is not finite and &gt; 0.</exception>
    public static void CentralDifferences(Span<double> parameters, Func<double> objective, double step, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ThrowHelper.CheckLength(destination.Length, parameters.Length, nameof(destination), "[θ.Length]");
        if (parameters.Overlaps(destination))
        {
            throw new ArgumentException("Expected a destination that does not overlap θ, which is perturbed while it is written.", nameof(destination));
        }

        if (!(step > 0) || !double.IsFinite(step))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Expected a finite step h > 0.");
        }

        for (int k = 0; k < parameters.Length; k++)
        {
            double original = parameters[k], plus, minus, plus2, minus2;
            try
            {
                parameters[k] = original + step;
                plus = objective();
                parameters[k] = original - step;
                minus = objective();
                parameters[k] = original + (2 * step);
                plus2 = objective();
                parameters[k] = original - (2 * step);
                minus2 = objective();
            }
            finally
            {
                parameters[k] = original;
            }

            destination[k] = ((8 * (plus - minus)) - (plus2 - minus2)) / (12 * step);
        }
    }

    /// <summary>max_k |a_k − n_k| / max(|a_k|, |n_k|, floor), with the worst component.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static GradientCheckResult CompareGradients(ReadOnlySpan<double> analytic, ReadOnlySpan<double> numeric, double floor = DefaultFloor)
    {
        ThrowHelper.CheckLength(numeric.Length, analytic.Length, nameof(numeric), "[analytic.Length]");
        var worst = new GradientCheckResult(0, -1, 0, 0);
        for (int k = 0; k < analytic.Length; k++)
        {
            double error = Math.Abs(analytic[k] - numeric[k]) / Math.Max(floor, Math.Max(Math.Abs(analytic[k]), Math.Abs(numeric[k])));
            if (!(error <= worst.MaxRelativeError))
            {
                worst = new GradientCheckResult(error, k, analytic[k], numeric[k]);
            }
        }

        return worst;
    }

    private static GradientCheckResult Compare(Policy policy, double step, double floor, Func<double> logProbability, Action<double[]> accumulateScore)
    {
        var analytic = new double[policy.ParameterCount];
        accumulateScore(analytic);
        var numeric = new double[policy.ParameterCount];
        CentralDifferences(policy.Parameters, logProbability, step, numeric);
        return CompareGradients(analytic, numeric, floor);
    }
}

/// <summary>The outcome of a gradient check: the largest relative error and where it occurred.</summary>
/// <param name="MaxRelativeError">max_k |a_k − n_k| / max(|a_k|, |n_k|, floor); NaN if any component was NaN.</param>
/// <param name="WorstIndex">The index k of that component (−1 for an empty θ).</param>
/// <param name="Analytic">a_k, the analytic value there.</param>
/// <param name="Numeric">n_k, the finite-difference value there.</param>
public readonly record struct GradientCheckResult(double MaxRelativeError, int WorstIndex, double Analytic, double Numeric);
