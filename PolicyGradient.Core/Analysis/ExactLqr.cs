using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Distributions;
using PolicyGradient.Environments;
using PolicyGradient.Numerics;
using PolicyGradient.Policies;

namespace PolicyGradient.Analysis;

/// <summary>
/// Closed forms for a linear-Gaussian policy a ~ N(K x + k, diag σ²) on a linear-quadratic task
/// (<see cref="ILinearQuadraticModel"/>, e.g. <see cref="Lqr"/>), by forward moment and backward Lyapunov recursions
/// (docs/derivations.md §20). With Ā = A + BK, Σ_a = diag σ² and the discount γ:
/// <code>
/// m_{t+1} = Ā m_t + B k,   S_{t+1} = Ā S_t Āᵀ + B Σ_a Bᵀ + Σ_w,   M_t = S_t + m_t m_tᵀ          (forward)
/// P_H = 0, p_H = 0,   P_t = Q + KᵀRK + γ ĀᵀP_{t+1}Ā,   p_t = KᵀRk + γ Āᵀ(P_{t+1} B k + p_{t+1})   (backward)
/// J = −Σ_t γᵗ [tr(Q M_t) + tr(R (K M_t Kᵀ + K m_t kᵀ + k m_tᵀ Kᵀ + k kᵀ + Σ_a))]
/// H_t = R + γ BᵀP_{t+1}B,  E_t = H_t K + γ BᵀP_{t+1}A,  e_t = H_t k + γ Bᵀp_{t+1}
/// ∂J/∂K = −2 Σ_t γᵗ (E_t M_t + e_t m_tᵀ),  ∂J/∂k = −2 Σ_t γᵗ (E_t m_t + e_t),  ∂J/∂log σ_j = −2 Σ_t γᵗ (H_t)_jj σ_j²
/// </code>
/// The policy is read through its public members only: K and k from its mean action (which must be affine in s),
/// σ from <see cref="GaussianPolicy.LogStd"/>, and ∂(K, k)/∂θ from the approximator's backward pass, so any
/// approximator whose output is affine in s (a <c>LinearMap</c>) works, with log σ fixed or learned.
/// </summary>
public static class ExactLqr
{
    /// <summary>J(θ) = E[Σ_{t&lt;H} γᵗ r_t], exactly.</summary>
    /// <exception cref="ArgumentException">The policy does not fit the task or its mean is not affine in s; γ outside [0, 1].</exception>
    public static double Objective(ILinearQuadraticModel task, GaussianPolicy policy, double discount = 1.0)
    {
        var (model, gaussian) = Read(task, policy, discount);
        double j = 0, power = 1;
        foreach ((Vector<double> mean, Matrix<double> second) in Moments(model, gaussian))
        {
            j -= power * StepCost(model, gaussian, mean, second);
            power *= discount;
        }

        return j;
    }

    /// <summary>Writes ∇_θ J(θ) into <paramref name="gradient"/> (overwritten) and returns J(θ), exactly.</summary>
    /// <exception cref="ArgumentException">As <see cref="Objective"/>, or a gradient not of length ParameterCount.</exception>
    public static double Gradient(ILinearQuadraticModel task, GaussianPolicy policy, Span<double> gradient, double discount = 1.0)
    {
        var (model, gaussian) = Read(task, policy, discount);
        ThrowHelper.CheckLength(gradient.Length, policy.ParameterCount, nameof(gradient), "[policy.ParameterCount]");
        Matrix<double> a = model.Dynamics, b = model.Control, r = model.ActionCost, k = gaussian.Gain;
        Vector<double> bias = gaussian.Bias;
        Matrix<double> closed = a + (b * k);
        int horizon = model.MaxEpisodeSteps;
        var e = new Matrix<double>[horizon];
        var eBias = new Vector<double>[horizon];
        var hDiagonal = new Vector<double>[horizon];
        Matrix<double> p = Matrix<double>.Build.Dense(a.RowCount, a.RowCount);
        Vector<double> pLinear = Vector<double>.Build.Dense(a.RowCount);
        for (int t = horizon - 1; t >= 0; t--)
        {
            Matrix<double> h = r + (discount * b.TransposeThisAndMultiply(p * b));       // H_t = R + γ BᵀP_{t+1}B
            e[t] = (h * k) + (discount * b.TransposeThisAndMultiply(p * a));            // E_t = H_t K + γ BᵀP_{t+1}A
            eBias[t] = (h * bias) + (discount * b.TransposeThisAndMultiply(pLinear));   // e_t = H_t k + γ Bᵀp_{t+1}
            hDiagonal[t] = h.Diagonal();
            pLinear = k.TransposeThisAndMultiply(r * bias) + (discount * closed.TransposeThisAndMultiply((p * (b * bias)) + pLinear));
            p = model.StateCost + k.TransposeThisAndMultiply(r * k) + (discount * closed.TransposeThisAndMultiply(p * closed));
        }

        Matrix<double> gainGradient = Matrix<double>.Build.Dense(k.RowCount, k.ColumnCount);
        Vector<double> biasGradient = Vector<double>.Build.Dense(k.RowCount);
        Vector<double> logStdGradient = Vector<double>.Build.Dense(k.RowCount);
        double j = 0, power = 1;
        int step = 0;
        foreach ((Vector<double> mean, Matrix<double> second) in Moments(model, gaussian))
        {
            j -= power * StepCost(model, gaussian, mean, second);
            gainGradient -= 2 * power * ((e[step] * second) + eBias[step].OuterProduct(mean));
            biasGradient -= 2 * power * ((e[step] * mean) + eBias[step]);
            logStdGradient -= 2 * power * hDiagonal[step].PointwiseMultiply(gaussian.Variance);
            power *= discount;
            step++;
        }

        gaussian.ToParameters(gainGradient, biasGradient, logStdGradient, gradient);
        return j;
    }

    /// <summary>
    /// Writes the Fisher matrix of the trajectory distribution, F = E[∇log p_θ(τ) ∇log p_θ(τ)ᵀ] =
    /// Σ_{t&lt;H} E[∇log π(a_t|x_t) ∇log π(a_t|x_t)ᵀ] (undiscounted; cross-time terms vanish), into
    /// <paramref name="fisher"/>: [P, P] row-major. For the mean parameters it is Σ_{l,l'} M̄_{ll'} D_lᵀ Σ_a⁻¹ D_{l'}
    /// with M̄ = Σ_t E[x̃ x̃ᵀ], x̃ = (x, 1) and D_l = ∂(column l of [K k])/∂θ; for a learned log σ_j it is 2H on the
    /// diagonal (0 where the clamp is active), and the mean–log σ block is 0.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Objective"/>, or a destination not of length P².</exception>
    public static void Fisher(ILinearQuadraticModel task, GaussianPolicy policy, Span<double> fisher)
    {
        var (model, gaussian) = Read(task, policy, 1.0);
        int count = policy.ParameterCount, n = model.StateDimension;
        ThrowHelper.CheckSquare(fisher.Length, count, nameof(fisher), "[ParameterCount, ParameterCount], row-major");
        Matrix<double> moments = Matrix<double>.Build.Dense(n + 1, n + 1);
        foreach ((Vector<double> mean, Matrix<double> second) in Moments(model, gaussian))
        {
            moments.SetSubMatrix(0, 0, moments.SubMatrix(0, n, 0, n) + second);
            for (int i = 0; i < n; i++)
            {
                moments[i, n] += mean[i];
                moments[n, i] += mean[i];
            }

            moments[n, n] += 1;
        }

        Matrix<double> precision = Matrix<double>.Build.DiagonalOfDiagonalVector(gaussian.Variance.Map(v => 1 / v));
        Matrix<double> meanBlock = Matrix<double>.Build.Dense(gaussian.MeanParameterCount, gaussian.MeanParameterCount);
        for (int l = 0; l <= n; l++)
        {
            Matrix<double> left = gaussian.Jacobians[l].TransposeThisAndMultiply(precision);
            for (int l2 = 0; l2 <= n; l2++)
            {
                meanBlock += moments[l, l2] * (left * gaussian.Jacobians[l2]);
            }
        }

        fisher.Clear();
        int pf = gaussian.MeanParameterCount;
        for (int i = 0; i < pf; i++)
        {
            for (int c = 0; c < pf; c++)
            {
                fisher[(i * count) + c] = meanBlock[i, c];
            }
        }

        for (int j = 0; j < gaussian.LearnsLogStd.Length; j++)
        {
            if (gaussian.LearnsLogStd[j])
            {
                fisher[((pf + j) * count) + pf + j] = 2.0 * model.MaxEpisodeSteps;
            }
        }
    }

    /// <summary>
    /// The best J of any policy, J* = −(tr(P₀ M₀) + 2 p₀ᵀm₀ + q₀), reached by the time-varying deterministic
    /// controller a_t = −H_t⁻¹ γ Bᵀ(P_{t+1} A x + p_{t+1}) of the Riccati recursion
    /// P_t = Q + γAᵀP_{t+1}A − γ² AᵀP_{t+1}B H_t⁻¹ BᵀP_{t+1}A, p_t = γ Aᵀp_{t+1} − γ² AᵀP_{t+1}B H_t⁻¹ Bᵀp_{t+1},
    /// q_t = γ (tr(P_{t+1}Σ_w) + q_{t+1}) − γ² p_{t+1}ᵀB H_t⁻¹ Bᵀp_{t+1}, with H_t = R + γ BᵀP_{t+1}B. An upper bound for
    /// every policy, stationary or not.
    /// </summary>
    /// <exception cref="ArgumentException">γ outside [0, 1], or some H_t is not positive definite (R singular).</exception>
    public static double OptimalObjective(ILinearQuadraticModel task, double discount = 1.0)
    {
        ArgumentNullException.ThrowIfNull(task);
        CheckDiscount(discount);
        Matrix<double> a = task.Dynamics, b = task.Control, q = task.StateCost, r = task.ActionCost, noise = task.NoiseCovariance;
        int n = task.StateDimension;
        Matrix<double> p = Matrix<double>.Build.Dense(n, n);
        Vector<double> pLinear = Vector<double>.Build.Dense(n);
        double constant = 0;
        for (int t = task.MaxEpisodeSteps - 1; t >= 0; t--)
        {
            Matrix<double> h = r + (discount * b.TransposeThisAndMultiply(p * b));
            Matrix<double> btpa = b.TransposeThisAndMultiply(p * a);
            Vector<double> btp = b.TransposeThisAndMultiply(pLinear);
            MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> cholesky;
            try
            {
                cholesky = h.Cholesky();
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException("R + γBᵀPB is not positive definite: the optimum is not unique (make R positive definite).", nameof(task), ex);
            }

            constant = (discount * ((p * noise).Trace() + constant)) - (discount * discount * btp.DotProduct(cholesky.Solve(btp)));
            Vector<double> nextLinear = (discount * a.TransposeThisAndMultiply(pLinear)) - (discount * discount * btpa.TransposeThisAndMultiply(cholesky.Solve(btp)));
            p = q + (discount * a.TransposeThisAndMultiply(p * a)) - (discount * discount * btpa.TransposeThisAndMultiply(cholesky.Solve(btpa)));
            pLinear = nextLinear;
        }

        Vector<double> m0 = task.InitialMean;
        Matrix<double> second = task.InitialCovariance + m0.OuterProduct(m0);
        return -((p * second).Trace() + (2 * pLinear.DotProduct(m0)) + constant);
    }

    // (m_t, M_t = E[x_t x_tᵀ]) for t = 0 … H−1.
    private static IEnumerable<(Vector<double> Mean, Matrix<double> Second)> Moments(ILinearQuadraticModel model, LinearGaussian gaussian)
    {
        Matrix<double> b = model.Control;
        Matrix<double> closed = model.Dynamics + (b * gaussian.Gain);
        Matrix<double> injected = (b * Matrix<double>.Build.DiagonalOfDiagonalVector(gaussian.Variance)).TransposeAndMultiply(b) + model.NoiseCovariance;
        Vector<double> drift = b * gaussian.Bias;
        Vector<double> mean = model.InitialMean;
        Matrix<double> covariance = model.InitialCovariance;
        for (int t = 0; t < model.MaxEpisodeSteps; t++)
        {
            yield return (mean, covariance + mean.OuterProduct(mean));
            mean = (closed * mean) + drift;
            covariance = (closed * covariance).TransposeAndMultiply(closed) + injected;
        }
    }

    // E[xᵀQx + aᵀRa] at a step with moments (m, M).
    private static double StepCost(ILinearQuadraticModel model, LinearGaussian gaussian, Vector<double> mean, Matrix<double> second)
    {
        Matrix<double> k = gaussian.Gain, r = model.ActionCost;
        Vector<double> km = k * mean;
        Matrix<double> actionSecond = (k * second).TransposeAndMultiply(k) + km.OuterProduct(gaussian.Bias) + gaussian.Bias.OuterProduct(km)
            + gaussian.Bias.OuterProduct(gaussian.Bias) + Matrix<double>.Build.DiagonalOfDiagonalVector(gaussian.Variance);
        return (model.StateCost * second).Trace() + (r * actionSecond).Trace();
    }

    private static (ILinearQuadraticModel Model, LinearGaussian Gaussian) Read(ILinearQuadraticModel task, GaussianPolicy policy, double discount)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(policy);
        CheckDiscount(discount);
        if (policy.ObservationSize != task.StateDimension || policy.ActionSize != task.ActionSize)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Expected a policy over {task.StateDimension} observations and {task.ActionSize} actions, got {policy.ObservationSize} and {policy.ActionSize}."), nameof(policy));
        }

        return (task, LinearGaussian.Read(policy));
    }

    private static void CheckDiscount(double discount)
    {
        if (!(discount >= 0 && discount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(discount), discount, "Expected a discount γ in [0, 1].");
        }
    }

    /// <summary>
    /// A linear-Gaussian policy read through its public members: μ(x) = K x + k, σ², which log σ are learned and
    /// unclamped (empty when log σ is fixed), and D_l = ∂(column l of [K k])/∂θ_f, [m, P_f], from the approximator's backward pass.
    /// </summary>
    private sealed record LinearGaussian(Matrix<double> Gain, Vector<double> Bias, Vector<double> Variance, bool[] LearnsLogStd, Matrix<double>[] Jacobians, int MeanParameterCount)
    {
        public static LinearGaussian Read(GaussianPolicy policy)
        {
            int n = policy.ObservationSize, m = policy.ActionSize, pf = policy.Approximator.ParameterCount;
            var x = new double[n];
            var mu = new double[m];
            policy.MeanAction(x, mu);
            Vector<double> bias = Vector<double>.Build.DenseOfArray((double[])mu.Clone());
            Matrix<double> gain = Matrix<double>.Build.Dense(m, n);
            for (int j = 0; j < n; j++)
            {
                x[j] = 1;
                policy.MeanAction(x, mu);
                x[j] = 0;
                gain.SetColumn(j, Vector<double>.Build.DenseOfArray(mu) - bias);
            }

            CheckAffine(policy, gain, bias);
            var logStd = new double[m];
            policy.LogStd(logStd);
            Vector<double> variance = Vector<double>.Build.Dense(m, j => Math.Exp(2 * logStd[j]));
            double[] theta = policy.Parameters.ToArray();
            bool[] learns = policy.LearnsLogStd
                ? Enumerable.Range(0, m).Select(j => theta[pf + j] >= DiagonalGaussian.LogStdMin && theta[pf + j] <= DiagonalGaussian.LogStdMax).ToArray()
                : [];
            Matrix<double> atZero = Jacobian(policy, x);
            var jacobians = new Matrix<double>[n + 1];
            for (int l = 0; l < n; l++)
            {
                x[l] = 1;
                jacobians[l] = Jacobian(policy, x) - atZero;
                x[l] = 0;
            }

            jacobians[n] = atZero;
            return new LinearGaussian(gain, bias, variance, learns, jacobians, pf);
        }

        /// <summary>gradient = (∂/∂θ of J through K, k, log σ): Σ_l D_lᵀ [∂K ∂k]_{:,l} ⊕ ∂/∂log σ on learned entries.</summary>
        public void ToParameters(Matrix<double> gainGradient, Vector<double> biasGradient, Vector<double> logStdGradient, Span<double> gradient)
        {
            gradient.Clear();
            int n = Gain.ColumnCount;
            Vector<double> mean = Vector<double>.Build.Dense(MeanParameterCount);
            for (int l = 0; l <= n; l++)
            {
                mean += Jacobians[l].TransposeThisAndMultiply(l < n ? gainGradient.Column(l) : biasGradient);
            }

            mean.AsArray().CopyTo(gradient);
            for (int j = 0; j < LearnsLogStd.Length; j++)
            {
                gradient[MeanParameterCount + j] = LearnsLogStd[j] ? logStdGradient[j] : 0;
            }
        }

        // ∂μ(x)/∂θ_f: [m, P_f], row i from the backward pass of the unit output gradient e_i.
        private static Matrix<double> Jacobian(GaussianPolicy policy, double[] x)
        {
            var approximator = policy.Approximator;
            int m = approximator.OutputSize, pf = approximator.ParameterCount;
            var workspace = new double[approximator.RowWorkspaceSize];
            var output = new double[m];
            var unit = new double[m];
            Matrix<double> jacobian = Matrix<double>.Build.Dense(m, pf);
            var row = new double[pf];
            for (int i = 0; i < m; i++)
            {
                approximator.Forward(policy.Parameters[..pf], x, output, workspace);
                Array.Clear(row);
                unit[i] = 1;
                approximator.BackwardAccumulate(policy.Parameters[..pf], x, unit, row, workspace);
                unit[i] = 0;
                jacobian.SetRow(i, row);
            }

            return jacobian;
        }

        // μ(x) = K x + k at two fixed pseudo-random points, to 1e-9 relative, or the closed forms do not apply.
        private static void CheckAffine(GaussianPolicy policy, Matrix<double> gain, Vector<double> bias)
        {
            var random = new Random(12345);
            var mu = new double[policy.ActionSize];
            for (int trial = 0; trial < 2; trial++)
            {
                double[] x = Enumerable.Range(0, policy.ObservationSize).Select(_ => (4 * random.NextDouble()) - 2).ToArray();
                policy.MeanAction(x, mu);
                Vector<double> predicted = (gain * Vector<double>.Build.DenseOfArray(x)) + bias;
                double scale = 1 + gain.Enumerate().Sum(Math.Abs) * 2 + bias.L1Norm();
                if ((Vector<double>.Build.DenseOfArray(mu) - predicted).InfinityNorm() > 1e-9 * scale)
                {
                    throw new ArgumentException("Expected a linear-Gaussian policy: its mean action must be affine in s (a LinearMap).", nameof(policy));
                }
            }
        }
    }
}
