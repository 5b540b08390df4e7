using PolicyGradient.Analysis;
using PolicyGradient.Environments;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Analysis;

/// <summary>docs/derivations.md §10: with γ &lt; 1 the expected reward-to-go estimator is not the gradient of any function.</summary>
[TestFixture]
[Category("ExactGradients")]
public class RewardToGoDiscountTests
{
    /// <summary>
    /// A vector field is a gradient only if its Jacobian is symmetric (the Hessian). Fourth-order central differences
    /// of the exact expectation (dynamic programming, no sampling) at h = 1e-3 are accurate to ~1e-11, so the γ = 1
    /// field and the discounted gradient ∇J_γ must be symmetric to 1e-8, while the γ = 0.5 reward-to-go expectation
    /// is asymmetric by orders of magnitude more.
    /// </summary>
    [Test]
    public void Discounted_reward_to_go_expectation_has_an_asymmetric_jacobian_and_the_gradient_does_not()
    {
        double undiscounted = Asymmetry(1.0, ExactMdp.RewardToGoExpectation);
        double discounted = Asymmetry(0.5, ExactMdp.RewardToGoExpectation);
        double gradient = Asymmetry(0.5, ExactMdp.Gradient);
        TestContext.Out.WriteLine($"max |Jac − Jacᵀ|: reward-to-go γ = 1: {undiscounted:E2}, γ = 0.5: {discounted:E2}; ∇J_γ at γ = 0.5: {gradient:E2}");
        Assert.Multiple(() =>
        {
            Assert.That(undiscounted, Is.LessThanOrEqualTo(1e-8));
            Assert.That(gradient, Is.LessThanOrEqualTo(1e-8));
            Assert.That(discounted, Is.GreaterThan(1e-3));
        });
    }

    private delegate void Field(IFiniteMdp mdp, Policy policy, Span<double> destination);

    // max_{k,l} |∂_l E_k − ∂_k E_l| on a 3-state, 2-action, horizon-4 MDP with a linear-softmax policy far from uniform.
    private static double Asymmetry(double discount, Field field)
    {
        TabularMdp mdp = TabularMdp.Random(3, 2, 4, seed: 1, discount);
        var policy = SoftmaxPolicy.Linear(3, 2, seed: 1);
        var random = new Random(2);
        for (int k = 0; k < policy.ParameterCount; k++)
        {
            policy.Parameters[k] = (2 * random.NextDouble()) - 1;
        }

        int p = policy.ParameterCount;
        var jacobian = new double[p, p];
        var value = new double[p];
        var column = new double[p];
        for (int k = 0; k < p; k++)
        {
            int component = k;
            GradientCheck.CentralDifferences(policy.Parameters, () =>
            {
                field(mdp, policy, value);
                return value[component];
            }, 1e-3, column);
            for (int l = 0; l < p; l++)
            {
                jacobian[k, l] = column[l]; // ∂E_k/∂θ_l
            }
        }

        double worst = 0;
        for (int k = 0; k < p; k++)
        {
            for (int l = 0; l < k; l++)
            {
                worst = Math.Max(worst, Math.Abs(jacobian[k, l] - jacobian[l, k]));
            }
        }

        return worst;
    }
}
