using PolicyGradient.Approximators;
using PolicyGradient.Policies;

namespace PolicyGradient.Tests.Policies;

/// <summary>
/// The policy shapes every property is proved on, used through <see cref="Policy"/> alone: linear and MLP softmax,
/// linear and MLP Gaussian (learned and fixed log σ), linear and MLP Beta on unit and uneven boxes, with hidden [1]
/// and [64, 64], observation size 1, 17 actions, 3 action dimensions and ReLU. θ is spread beyond its near-zero
/// initialisation — the approximator's part U(−0.6, 0.6), the head's (log σ) U(−0.5, 0.5) — so that every layer
/// carries a gradient the check can see.
/// </summary>
public sealed record PolicyCase(string Name, Func<int, Policy> Create)
{
    public override string ToString() => Name;

    public Policy Build(int seed) => Spread(Create(seed), seed);

    /// <summary>Spreads θ as <see cref="Build"/> does, keeping the policy's own type for tests of typed members.</summary>
    public static T Spread<T>(T policy, int seed)
        where T : Policy
    {
        var random = new Random(seed + 1000);
        Span<double> theta = policy.Parameters;
        int headStart = policy.ParameterCount - policy.Head.ParameterCount;
        for (int k = 0; k < headStart; k++)
        {
            theta[k] = (1.2 * random.NextDouble()) - 0.6;
        }

        for (int k = headStart; k < policy.ParameterCount; k++)
        {
            theta[k] = -0.5 + random.NextDouble();
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

    public static IEnumerable<PolicyCase> Beta()
    {
        yield return new("linear-beta 3→1 on [−2, 2]", s => BetaPolicy.Linear(3, [-2.0], [2.0], s));
        yield return new("linear-beta 1→3 on [−1, 1]³", s => BetaPolicy.Linear(1, 3, s));
        yield return new("mlp-beta 3→[64,64]→1 on [−2, 2]", s => BetaPolicy.Mlp(3, [64, 64], [-2.0], [2.0], s));
        yield return new("mlp-beta 4→[7,5]→2 on [0, 1]×[−3, 5]", s => BetaPolicy.Mlp(4, [7, 5], [0.0, -3.0], [1.0, 5.0], s));
    }

    public static IEnumerable<PolicyCase> All() => Softmax().Concat(Gaussian()).Concat(Beta());

    /// <summary>A random observation U(−2, 2)ⁿ and a valid action row drawn from the policy itself.</summary>
    public static (double[] Observation, double[] Action) RandomInput(Policy policy, Random random)
    {
        double[] s = TestData.Uniform(random, policy.ObservationSize, -2, 2);
        var a = new double[policy.ActionWidth];
        policy.Sample(s, random, a);
        return (s, a);
    }
}
