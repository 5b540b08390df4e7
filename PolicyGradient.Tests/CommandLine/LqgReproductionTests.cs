using MathNet.Numerics.LinearAlgebra;
using PolicyGradient.Analysis;
using PolicyGradient.Benchmarks;
using PolicyGradient.Environments;

namespace PolicyGradient.Tests.CommandLine;

/// <summary>
/// docs/reproduction.md's claim that our exact terms are the quantities Tucker et al.'s lqg/lqr.py computes: its
/// closed forms (compute_L, compute_P, compute_mM, compute_pc, compute_mu_Sigma_s: explicit sums over powers of A,
/// not our backward recursion) written out again here give our Q_t, Σ_s and ∇_{μ_t} E[G_t] on their point mass, and
/// the mean of their est_sigma_a is <see cref="LqgVarianceExperiment.TheirActionTermMean"/>. To 1e-9 relative.
/// </summary>
[TestFixture]
[Category("CommandLine")]
public class LqgReproductionTests
{
    private const int T = 12;

    [Test]
    public void Their_closed_forms_give_our_action_value_state_term_gradient_and_action_term_mean()
    {
        Lqr task = LqgVarianceExperiment.PointMass(T);
        OpenLoopGaussian policy = LqgVarianceExperiment.InitialPolicy(T);
        var ours = new LqgVarianceDecomposition(task, policy, LqgVarianceExperiment.Discount);
        var theirs = new TheirLqg(task, policy, LqgVarianceExperiment.Discount);
        var random = new Random(5);
        Assert.Multiple(() =>
        {
            for (int t = 0; t < T - 1; t++)
            {
                for (int trial = 0; trial < 3; trial++)
                {
                    Vector<double> z = Vector<double>.Build.Dense(6, _ => (8 * random.NextDouble()) - 4);
                    double expected = theirs.Q(t, z.SubVector(0, 4), z.SubVector(4, 2));
                    Assert.That(ours.ActionValue(t).Evaluate(z), Is.EqualTo(expected).Within(1e-9 * Math.Abs(expected)), $"Q_{t}");
                }

                Matrix<double> sigmaS = theirs.SigmaS(t);
                Assert.That((ours.StateTerm(t) - sigmaS).InfinityNorm(), Is.LessThan(1e-9 * sigmaS.InfinityNorm()), $"Σ_s at {t}");
                Vector<double> gradient = theirs.ExpectedGradient(t);
                Assert.That((ours.Gradient(t) - gradient).InfinityNorm(), Is.LessThan(1e-9 * gradient.InfinityNorm()), $"∇ at {t}");
                Matrix<double> actionMean = theirs.SigmaAMean(t, ours);
                Assert.That((LqgVarianceExperiment.TheirActionTermMean(ours, policy, t, LqgBaseline.None) - actionMean).InfinityNorm(), Is.LessThan(1e-9 * actionMean.InfinityNorm()), $"E Σ̂_a at {t}");
            }
        });
    }

    /// <summary>lqg/lqr.py's GlobalLQG for a time-invariant task, its arrays kept under their names (reward = −cost).</summary>
    private sealed class TheirLqg
    {
        private readonly Matrix<double>[] _pss, _psa, _paa;
        private readonly Vector<double>[] _ps, _pa, _muS;
        private readonly double[] _c;
        private readonly Matrix<double>[] _sigmaS;
        private readonly OpenLoopGaussian _policy;

        public TheirLqg(ILinearQuadraticModel task, OpenLoopGaussian policy, double gamma)
        {
            _policy = policy;
            var build = Matrix<double>.Build;
            Matrix<double> a = task.Dynamics, b = task.Control, q = task.StateCost, r = task.ActionCost, w = task.NoiseCovariance, sigmaA = policy.Covariance;
            int n = task.StateDimension, m = task.ActionSize;
            var l = new Matrix<double>[T + 1];                                       // compute_L: L[0] = 0, L[k] = A^{k−1}
            l[0] = build.Dense(n, n);
            l[1] = build.DenseIdentity(n);
            for (int i = 2; i <= T; i++)
            {
                l[i] = a * l[i - 1];
            }

            Matrix<double>[] lb = l.Take(T).Select(x => x * b).ToArray();
            (_pss, _paa, _psa) = (new Matrix<double>[T], new Matrix<double>[T], new Matrix<double>[T]);   // compute_P
            (_pss[T - 1], _paa[T - 1], _psa[T - 1]) = (q, r, build.Dense(n, m));
            for (int i = T - 2; i >= 0; i--)
            {
                double power = Math.Pow(gamma, T - 1 - i);
                _pss[i] = _pss[i + 1] + (power * l[T - i].TransposeThisAndMultiply(q * l[T - i]));
                _paa[i] = _paa[i + 1] + (power * lb[T - i - 1].TransposeThisAndMultiply(q * lb[T - i - 1]));
                _psa[i] = _psa[i + 1] + (power * l[T - i].TransposeThisAndMultiply(q * lb[T - i - 1]));
            }

            _psa = _psa.Select(x => 2.0 * x).ToArray();
            var mm = new Vector<double>[T, T];                                       // compute_mM
            var bigM = new Matrix<double>[T, T];
            for (int j = 0; j < T; j++)
            {
                (mm[j, 0], bigM[j, 0]) = (Vector<double>.Build.Dense(n), build.Dense(n, n));
            }

            for (int i = 1; i < T; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    mm[j, i - j] = (a * mm[j, i - j - 1]) + (b * policy.Mean(i - 1));
                    bigM[j, i - j] = (a * bigM[j, i - j - 1]).TransposeAndMultiply(a) + (b * sigmaA).TransposeAndMultiply(b) + w;
                }
            }

            (_ps, _pa, _c) = (new Vector<double>[T], new Vector<double>[T], new double[T]);   // compute_pc
            for (int t = 0; t < T; t++)
            {
                (_ps[t], _pa[t]) = (Vector<double>.Build.Dense(n), Vector<double>.Build.Dense(m));
                for (int k = 1; k < T - t; k++)
                {
                    Vector<double> mk = mm[t + 1, k - 1];
                    Matrix<double> mCov = bigM[t + 1, k - 1];
                    double power = Math.Pow(gamma, k);
                    _ps[t] += power * l[k + 1].TransposeThisAndMultiply(q * mk);
                    _pa[t] += power * lb[k].TransposeThisAndMultiply(q * mk);
                    Vector<double> mu = policy.Mean(t + k);
                    double ct = mk.DotProduct(q * mk) + mu.DotProduct(r * mu) + (r * sigmaA).Trace()
                        + (q * (l[k].TransposeThisAndMultiply(w * l[k]) + mCov)).Trace();
                    _c[t] += power * ct;
                }

                (_ps[t], _pa[t]) = (2 * _ps[t], 2 * _pa[t]);
            }

            (_muS, _sigmaS) = (new Vector<double>[T], new Matrix<double>[T]);   // compute_mu_Sigma_s
            (_muS[0], _sigmaS[0]) = (task.InitialMean, task.InitialCovariance);
            for (int t = 1; t < T; t++)
            {
                _muS[t] = (a * _muS[t - 1]) + (b * policy.Mean(t - 1));
                _sigmaS[t] = (a * _sigmaS[t - 1]).TransposeAndMultiply(a) + (b * sigmaA).TransposeAndMultiply(b) + w;
            }
        }

        /// <summary>batch_q_fn.</summary>
        public double Q(int t, Vector<double> s, Vector<double> a) =>
            -(s.DotProduct(_pss[t] * s) + s.DotProduct(_psa[t] * a) + a.DotProduct(_paa[t] * a) + _ps[t].DotProduct(s) + _pa[t].DotProduct(a) + _c[t]);

        /// <summary>est_sigma_s: P_saᵀ Σ_s P_sa.</summary>
        public Matrix<double> SigmaS(int t) => _psa[t].TransposeThisAndMultiply(_sigmaS[t] * _psa[t]);

        /// <summary>E_grad_mu_fn: −(μ_sᵀP_sa + 2 μ_aᵀP_aa + p_a).</summary>
        public Vector<double> ExpectedGradient(int t) => -(_psa[t].TransposeThisAndMultiply(_muS[t]) + (2 * (_paa[t] * _policy.Mean(t))) + _pa[t]);

        /// <summary>
        /// The mean of est_sigma_a's sigma_Q = mean(Q² g gᵀ − ĝ ĝᵀ), ĝ = batch_E_grad_mu_fn(s) = −(sᵀP_sa + μᵀP_aa):
        /// E[Q² g gᵀ] = Σ_a⁰ + E_s[q qᵀ] (q = E_a[g Q] = ∂Q/∂a at μ, taken from our decomposition) minus E_s[ĝ ĝᵀ].
        /// </summary>
        public Matrix<double> SigmaAMean(int t, LqgVarianceDecomposition ours)
        {
            Vector<double> meanHat = -((_psa[t].TransposeThisAndMultiply(_muS[t])) + (_paa[t] * _policy.Mean(t)));
            Matrix<double> hatSecond = _psa[t].TransposeThisAndMultiply(_sigmaS[t] * _psa[t]) + meanHat.OuterProduct(meanHat);
            Vector<double> gradient = ExpectedGradient(t);
            Matrix<double> qSecond = SigmaS(t) + gradient.OuterProduct(gradient);
            return ours.ActionTerm(t, LqgBaseline.None) + qSecond - hatSecond;
        }
    }
}
