namespace PolicyGradient.Environments;

/// <summary>
/// A task whose model is known in full: a finite-horizon MDP with S states (observed one-hot), A actions, horizon H,
/// discount γ, P(s'|s, a), r(s, a) (the mean reward) and μ₀. What exact analyses (dynamic programming for J and ∇J)
/// need, and nothing about policies.
/// </summary>
public interface IFiniteMdp
{
    /// <summary>S.</summary>
    int StateCount { get; }

    /// <summary>A.</summary>
    int ActionCount { get; }

    /// <summary>H, the number of steps of every episode.</summary>
    int Horizon { get; }

    /// <summary>γ.</summary>
    double Discount { get; }

    /// <summary>P(s'|s, a): [S, A, S] row-major.</summary>
    ReadOnlySpan<double> Transitions { get; }

    /// <summary>The mean reward r(s, a): [S, A].</summary>
    ReadOnlySpan<double> Rewards { get; }

    /// <summary>μ₀(s): [S].</summary>
    ReadOnlySpan<double> Initial { get; }
}
