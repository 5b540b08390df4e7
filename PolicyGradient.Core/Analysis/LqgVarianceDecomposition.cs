using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Environments;

namespace PolicyGradient.Analysis;

/// <summary>
/// The exact variance decomposition of Tucker et al. (2018, "The mirage of action-dependent baselines") for an
/// open-loop Gaussian policy a_t ~ N(μ_t, Σ_a) (<see cref="OpenLoopGaussian"/>) on a linear-quadratic-Gaussian task
/// (<see cref="ILinearQuadraticModel"/>) with discount γ, in closed form (docs/derivations.md §28). At step t the
/// single-sample estimator of ∇_{μ_t} E[G_t], G_t = Σ_{i≥t} γ^{i−t} r_i, is X_t = g_t (Â_t − b) + E_a[g_t b] with the
/// score g_t = Σ_a⁻¹(a_t − μ_t) and the GAE(γ, λ) target Â_t = r_t + γ((1−λ) V_{t+1}(s_{t+1}) + λ Â_{t+1})
/// (λ = 1: the Monte Carlo return G_t), built on the exact V. With Q_t(s, a) = E[Â_t | s, a]:
/// <code>
/// Cov X_t = Σ_τ + Σ_a^b + Σ_s
/// Σ_τ   = E_{s,a}[g gᵀ Var(Â_t | s, a)]                 = E_{s,a}[W_t] Σ_a⁻¹ + 2 W_aa       (W_t(s, a) = Var(Â_t | s, a))
/// Σ_s   = Var_s(E_a[g Q_t])                             = J S_t Jᵀ                        (E_a[g Q_t] = q(s) = J s + j)
/// Σ_a^b = E_s[Var_a(g (Q_t − b))]                       = (E v² + tr(Σ_a E[q qᵀ]) + 2 tr((KΣ_a)²)) Σ_a⁻¹ + E[q qᵀ] + 4 E[v] K + 8 K Σ_a K
/// </code>
/// where, for the residual f = Q_t − b, v(s) = E_a f, q(s) = E_a[g f] = ∂f/∂a at μ_t and K = ½ ∂²f/∂a², the state
/// s_t ~ N(m_t, S_t) is independent of a_t, W_t follows the backward recursion
/// W_t = γ²(λ² E_w U_{t+1} + Var_w V_{t+1}) of s′ = A s + B a + w and U_t(s) = Var(Â_t | s) = E_a W_t + Var_a Q_t, and
/// every Q_t, V_t, U_t, W_t is a <see cref="QuadraticFunction"/>. All three Σ are [m, m].
/// </summary>
public sealed class LqgVarianceDecomposition
{
    private readonly OpenLoopGaussian _policy;
    private readonly Matrix<double> _actionCovariance;
    private readonly Matrix<double> _actionPrecision;
    private readonly Matrix<double> _actionNoise;
    private readonly Matrix<double> _stateEmbedding;
    private readonly Vector<double>[] _stateMeans;
    private readonly Matrix<double>[] _stateCovariances;
    private readonly QuadraticFunction[] _actionValues;
    private readonly QuadraticFunction[] _stateValues;
    private readonly QuadraticFunction[] _targetVariances;
    private readonly int _n;

    /// <summary>Runs the forward moment and backward value and variance recursions.</summary>
    /// <param name="task">The task; its H must equal the policy's number of steps and its m the policy's action size.</param>
    /// <param name="policy">The open-loop policy.</param>
    /// <param name="discount">γ ∈ [0, 1].</param>
    /// <param name="lambda">λ ∈ [0, 1] of the GAE target (1: the Monte Carlo return; it changes Σ_τ only).</param>
    /// <exception cref="ArgumentException">The policy does not fit the task, or γ or λ is outside [0, 1].</exception>
    public LqgVarianceDecomposition(ILinearQuadraticModel task, OpenLoopGaussian policy, double discount, double lambda = 1)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Steps != task.MaxEpisodeSteps || policy.ActionSize != task.ActionSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a policy of H = {task.MaxEpisodeSteps} steps and m = {task.ActionSize} actions, got {policy.Steps} and {policy.ActionSize}."), nameof(policy));
        }

        if (!(discount >= 0 && discount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(discount), discount, "Expected a discount γ in [0, 1].");
        }

        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Expected λ in [0, 1].");
        }

        var build = Matrix<double>.Build;
        int n = task.StateDimension, m = task.ActionSize, horizon = task.MaxEpisodeSteps;
        _n = n;
        _policy = policy;
        _actionCovariance = policy.Covariance;
        _actionPrecision = _actionCovariance.Inverse();
        _actionNoise = build.Dense(n + m, n + m);
        _actionNoise.SetSubMatrix(n, n, _actionCovariance);                       // a = μ_t + d: noise on the a block of z = (s, a)
        _stateEmbedding = build.Dense(n + m, n);
        _stateEmbedding.SetSubMatrix(0, 0, build.DenseIdentity(n));                // z = E s + (0, μ_t)

        Matrix<double> a = task.Dynamics, b = task.Control, noise = task.NoiseCovariance;
        _stateMeans = new Vector<double>[horizon];
        _stateCovariances = new Matrix<double>[horizon];
        (Vector<double> mean, Matrix<double> covariance) = (task.InitialMean, task.InitialCovariance);
        Matrix<double> injected = (b * _actionCovariance).TransposeAndMultiply(b) + noise;
        for (int t = 0; t < horizon; t++)
        {
            (_stateMeans[t], _stateCovariances[t]) = (mean, covariance);
            mean = (a * mean) + (b * policy.Mean(t));                              // m_{t+1} = A m_t + B μ_t
            covariance = (a * covariance).TransposeAndMultiply(a) + injected;       // S_{t+1} = A S_t Aᵀ + B Σ_a Bᵀ + Σ_w
        }

        Matrix<double> step = build.Dense(n, n + m);                               // s′ = [A B] z + w
        step.SetSubMatrix(0, 0, a);
        step.SetSubMatrix(0, n, b);
        Matrix<double> cost = build.Dense(n + m, n + m);
        cost.SetSubMatrix(0, 0, task.StateCost);
        cost.SetSubMatrix(n, n, task.ActionCost);
        var reward = new QuadraticFunction(-cost, Vector<double>.Build.Dense(n + m), 0);   // r(s, a) = −(sᵀQs + aᵀRa)
        Vector<double> origin = Vector<double>.Build.Dense(n);
        _actionValues = new QuadraticFunction[horizon];
        _stateValues = new QuadraticFunction[horizon];
        _targetVariances = new QuadraticFunction[horizon];
        QuadraticFunction value = QuadraticFunction.Zero(n), spread = QuadraticFunction.Zero(n);   // V_H = 0, U_H = 0
        for (int t = horizon - 1; t >= 0; t--)
        {
            QuadraticFunction q = reward.Add(value.MeanUnderNoise(noise).Scale(discount).Substitute(step, origin));                 // Q_t = r + γ E_w V_{t+1}
            QuadraticFunction w = spread.MeanUnderNoise(noise).Scale(lambda * lambda).Add(value.VarianceUnderNoise(noise))
                .Scale(discount * discount).Substitute(step, origin);                                                               // W_t = γ²(λ² E_w U_{t+1} + Var_w V_{t+1})
            (_actionValues[t], _targetVariances[t]) = (q, w);
            value = OverAction(q.MeanUnderNoise(_actionNoise), t);                                                                 // V_t = E_a Q_t
            spread = OverAction(w.MeanUnderNoise(_actionNoise).Add(q.VarianceUnderNoise(_actionNoise)), t);                       // U_t = E_a W_t + Var_a Q_t
            _stateValues[t] = value;
        }
    }

    /// <summary>H, the number of steps.</summary>
    public int Steps => _stateMeans.Length;

    /// <summary>Q_t(s, a) = E[Â_t | s_t = s, a_t = a], a quadratic over z = (s, a) ∈ ℝⁿ⁺ᵐ.</summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H).</exception>
    public QuadraticFunction ActionValue(int step) => _actionValues[CheckStep(step)];

    /// <summary>V_t(s) = E[Â_t | s_t = s] = E_a Q_t(s, a), a quadratic over s ∈ ℝⁿ.</summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H).</exception>
    public QuadraticFunction StateValue(int step) => _stateValues[CheckStep(step)];

    /// <summary>E[X_t] = ∇_{μ_t} E[G_t] = E_s[q(s)] = J m_t + j: [m] (any baseline; the per-step gradient of Tucker et al.'s code).</summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H).</exception>
    public Vector<double> Gradient(int step)
    {
        (Matrix<double> j, Vector<double> offset, _) = ScoreMoments(_actionValues[CheckStep(step)], step);
        return (j * _stateMeans[step]) + offset;
    }

    /// <summary>Σ_τ = E_{s,a}[g gᵀ Var(Â_t | s, a)] = E_{s,a}[W_t] Σ_a⁻¹ + 2 W_aa: [m, m].</summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H).</exception>
    public Matrix<double> TrajectoryTerm(int step)
    {
        QuadraticFunction w = _targetVariances[CheckStep(step)];
        double mean = OverAction(w.MeanUnderNoise(_actionNoise), step).Mean(_stateMeans[step], _stateCovariances[step]);
        return (mean * _actionPrecision) + (2 * ActionBlock(w));
    }

    /// <summary>Σ_s = Var_s(E_a[g Q_t]) = J S_t Jᵀ: [m, m].</summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H).</exception>
    public Matrix<double> StateTerm(int step)
    {
        (Matrix<double> j, _, _) = ScoreMoments(_actionValues[CheckStep(step)], step);
        return (j * _stateCovariances[step]).TransposeAndMultiply(j);
    }

    /// <summary>
    /// Σ_a^b = E_s[Var_a(g (Q_t − b))] for the residual f = Q_t − b: (E v² + tr(Σ_a E[q qᵀ]) + 2 tr((KΣ_a)²)) Σ_a⁻¹ +
    /// E[q qᵀ] + 4 E[v] K + 8 K Σ_a K, [m, m].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H), or an unknown baseline.</exception>
    public Matrix<double> ActionTerm(int step, LqgBaseline baseline)
    {
        QuadraticFunction q = _actionValues[CheckStep(step)];
        QuadraticFunction residual = baseline switch
        {
            LqgBaseline.None => q,
            LqgBaseline.StateValue => q.Add(_stateValues[step].Scale(-1).Substitute(_stateEmbedding.Transpose(), Vector<double>.Build.Dense(_n))),
            LqgBaseline.ActionValue => q.Add(q.Scale(-1)),
            _ => throw new ArgumentOutOfRangeException(nameof(baseline), baseline, "Expected None, StateValue or ActionValue."),
        };
        (Vector<double> m, Matrix<double> s) = (_stateMeans[step], _stateCovariances[step]);
        QuadraticFunction v = OverAction(residual.MeanUnderNoise(_actionNoise), step);
        double meanV = v.Mean(m, s), squareV = v.Variance(m, s) + (meanV * meanV);
        (Matrix<double> j, Vector<double> offset, Matrix<double> k) = ScoreMoments(residual, step);
        Vector<double> meanQ = (j * m) + offset;
        Matrix<double> secondQ = (j * s).TransposeAndMultiply(j) + meanQ.OuterProduct(meanQ);   // E[q qᵀ]
        Matrix<double> ks = k * _actionCovariance;
        double scalar = squareV + (_actionCovariance * secondQ).Trace() + (2 * (ks * ks).Trace());
        return (scalar * _actionPrecision) + secondQ + (4 * meanV * k) + (8 * ks * k);
    }

    /// <summary>Cov X_t = Σ_τ + Σ_a^b + Σ_s: [m, m].</summary>
    /// <exception cref="ArgumentOutOfRangeException">t outside [0, H), or an unknown baseline.</exception>
    public Matrix<double> Total(int step, LqgBaseline baseline) => TrajectoryTerm(step) + ActionTerm(step, baseline) + StateTerm(step);

    // f(s, a) over z = (s, a) → s ↦ f(s, μ_t).
    private QuadraticFunction OverAction(QuadraticFunction f, int step)
    {
        var offset = Vector<double>.Build.Dense(f.Dimension);
        offset.SetSubVector(_n, _policy.ActionSize, _policy.Mean(step));
        return f.Substitute(_stateEmbedding, offset);
    }

    // For f over z = (s, a): q(s) = E_a[g f] = ∂f/∂a at a = μ_t = J s + j (Stein's lemma), and K = ½ ∂²f/∂a².
    private (Matrix<double> J, Vector<double> Offset, Matrix<double> K) ScoreMoments(QuadraticFunction f, int step)
    {
        int m = _policy.ActionSize;
        Matrix<double> p = f.Quadratic;
        Matrix<double> k = p.SubMatrix(_n, m, _n, m);
        return (2 * p.SubMatrix(_n, m, 0, _n), (2 * (k * _policy.Mean(step))) + f.Linear.SubVector(_n, m), k);
    }

    private Matrix<double> ActionBlock(QuadraticFunction f) => f.Quadratic.SubMatrix(_n, _policy.ActionSize, _n, _policy.ActionSize);

    private int CheckStep(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, Steps);
        return step;
    }
}
