using PolicyGradient.Approximators;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

/// <summary>
/// The policy shapes every property is proved on: the four lecture combinations, with hidden [1] and [64, 64],
/// observation size 1, 17 actions, 3 action dimensions, ReLU and fixed log σ. θ is spread beyond its near-zero
/// initialisation (U(−0.6, 0.6)) so that every layer carries a gradient the check can see.
/// </summary>
public sealed record PolicyCase(string Name, Func<int, Policy> Create)
{
    public override string ToString() => Name;

    public Policy Build(int seed)
    {
        Policy policy = Create(seed);
        var random = new Random(seed + 1000);
        Span<double> theta = policy.Parameters;
        int logStdStart = policy is GaussianPolicy { LearnsLogStd: true } g ? policy.ParameterCount - g.ActionSize : policy.ParameterCount;
        for (int k = 0; k < logStdStart; k++)
        {
            theta[k] = (1.2 * random.NextDouble()) - 0.6;
        }

        for (int k = logStdStart; k < policy.ParameterCount; k++)
        {
            theta[k] = -0.5 + random.NextDouble(); // log σ ∈ [−0.5, 0.5)
        }

        return policy;
    }

    public static IEnumerable<PolicyCase> Softmax()
    {
        yield return new("linear-softmax 4→2", s => SoftmaxPolicy.Linear(4, 2, s));
        yield return new("linear-softmax 1→17", s => SoftmaxPolicy.Linear(1, 17, s));
        yield return new("mlp-softmax 4→[1]→2", s => SoftmaxPolicy.Mlp(4, [1], 2, s));
        yield return new("mlp-softmax 4→[64,64]→2", s => SoftmaxPolicy.Mlp(4, [64, 64], 2, s));
        yield return new("mlp-softmax 1→[8]→17", s => SoftmaxPolicy.Mlp(1, [8], 17, s));
        yield return new("mlp-softmax relu 5→[16,9]→3", s => SoftmaxPolicy.Mlp(5, [16, 9], 3, s, Activation.Relu));
    }

    public static IEnumerable<PolicyCase> Gaussian()
    {
        yield return new("linear-gaussian 3→1", s => GaussianPolicy.Linear(3, 1, s));
        yield return new("linear-gaussian 1→3", s => GaussianPolicy.Linear(1, 3, s));
        yield return new("linear-gaussian 2→3 fixed σ", s => GaussianPolicy.Linear(2, 3, s, initialLogStd: -0.3, learnLogStd: false));
        yield return new("mlp-gaussian 3→[64,64]→1", s => GaussianPolicy.Mlp(3, [64, 64], 1, s));
        yield return new("mlp-gaussian 1→[1]→3", s => GaussianPolicy.Mlp(1, [1], 3, s));
        yield return new("mlp-gaussian 4→[7,5]→3 fixed σ", s => GaussianPolicy.Mlp(4, [7, 5], 3, s, initialLogStd: 0.4, learnLogStd: false));
    }

    public static IEnumerable<PolicyCase> All() => Softmax().Concat(Gaussian());

    /// <summary>A random observation and a random valid action for the policy.</summary>
    public static (double[] Observation, int Action, double[] ContinuousAction) RandomInput(Policy policy, Random random)
    {
        double[] s = TestData.Uniform(random, policy.ObservationSize, -2, 2);
        return policy switch
        {
            SoftmaxPolicy p => (s, random.Next(p.ActionCount), []),
            GaussianPolicy g => (s, -1, TestData.Uniform(random, g.ActionSize, -2, 2)),
            _ => throw new NotSupportedException(policy.GetType().Name),
        };
    }

    public static void AccumulateScore(Policy policy, double[] s, int action, double[] continuous, double weight, Span<double> gradient)
    {
        if (policy is SoftmaxPolicy p)
        {
            p.AccumulateScore(s, action, weight, gradient);
        }
        else
        {
            ((GaussianPolicy)policy).AccumulateScore(s, continuous, weight, gradient);
        }
    }

    public static double LogProbability(Policy policy, double[] s, int action, double[] continuous) =>
        policy is SoftmaxPolicy p ? p.LogProbability(s, action) : ((GaussianPolicy)policy).LogProbability(s, continuous);
}
