namespace PolicyGradient.Analysis;

/// <summary>
/// The baselines b of the per-step estimator g_t (Â_t − b) + E_a[g_t b] whose action term Σ_a
/// <see cref="LqgVarianceDecomposition"/> gives, g_t = Σ_a⁻¹(a_t − μ_t) (Tucker et al. 2018).
/// </summary>
public enum LqgBaseline
{
    /// <summary>b = 0: Σ_a⁰ (the paper's Σ_a^0).</summary>
    None,

    /// <summary>b = V_t(s_t), the exact state value: Σ_a^{φ(s)} (the paper's state-dependent baseline).</summary>
    StateValue,

    /// <summary>b = Q_t(s_t, a_t), the exact action value, with its correction E_a[g_t Q_t]: Σ_a = 0 (the optimal action-dependent baseline).</summary>
    ActionValue,
}
