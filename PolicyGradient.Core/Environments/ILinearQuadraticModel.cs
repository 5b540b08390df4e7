using MathNet.Numerics.LinearAlgebra;

namespace PolicyGradient.Environments;

/// <summary>
/// A task whose model is linear-quadratic-Gaussian and known in full: state x ∈ ℝⁿ (observed as it is), action
/// a ∈ ℝᵐ, dynamics x_{t+1} = A x_t + B a_t + w_t with w_t ~ N(0, Σ_w), start x₀ ~ N(m₀, S₀), reward
/// r_t = −(x_tᵀ Q x_t + a_tᵀ R a_t) and H steps. What the closed-form analyses (Analysis.ExactLqr) need, and nothing
/// about policies. Every matrix returned is a copy.
/// </summary>
public interface ILinearQuadraticModel
{
    /// <summary>n, the length of x (and of the observation).</summary>
    int StateDimension { get; }

    /// <summary>m.</summary>
    int ActionSize { get; }

    /// <summary>H, the number of steps of every episode.</summary>
    int MaxEpisodeSteps { get; }

    /// <summary>A: [n, n].</summary>
    Matrix<double> Dynamics { get; }

    /// <summary>B: [n, m].</summary>
    Matrix<double> Control { get; }

    /// <summary>Q: [n, n], symmetric positive semi-definite.</summary>
    Matrix<double> StateCost { get; }

    /// <summary>R: [m, m], symmetric positive semi-definite.</summary>
    Matrix<double> ActionCost { get; }

    /// <summary>Σ_w: [n, n], the covariance of the process noise.</summary>
    Matrix<double> NoiseCovariance { get; }

    /// <summary>m₀: [n], the mean start state.</summary>
    Vector<double> InitialMean { get; }

    /// <summary>S₀: [n, n], the covariance of the start state.</summary>
    Matrix<double> InitialCovariance { get; }
}
