using System.ComponentModel;
using Spectre.Console.Cli;

namespace PolicyGradient.Benchmarks;

/// <summary>
/// <c>experiment natural-gradient|behaviour-cloning|lqg-variance</c>: the studies of docs/results.md that are not a
/// <c>compare</c>: vanilla against natural policy gradient on Lqr-v0 (exact objective) and CartPole-v1, and behaviour
/// cloning of a trained CartPole-v1 expert with the same score code; and docs/reproduction.md's exact variance
/// decomposition on Tucker et al. (2018)'s LQG point mass.
/// </summary>
internal sealed class ExperimentCommand : Command<ExperimentCommand.Settings>
{
    /// <summary>The experiments by name.</summary>
    private static readonly Dictionary<string, Action<Settings>> Experiments = new(StringComparer.Ordinal)
    {
        ["natural-gradient"] = s => NaturalGradientExperiment.Run(Console.Out, seeds: s.Seeds),
        ["behaviour-cloning"] = s => BehaviourCloningExperiment.Run(Console.Out, seed: s.Seed),
        ["lqg-variance"] = _ => LqgVarianceExperiment.Run(Console.Out),
    };

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("natural-gradient (vanilla vs natural on Lqr-v0 and CartPole-v1, ≈ 20 s), behaviour-cloning (≈ 1 s) or lqg-variance (Tucker et al. 2018's LQG variance terms, exact).")]
        public string Name { get; init; } = string.Empty;

        [CommandOption("--seeds <N>")]
        [Description("natural-gradient: seeds 1…N, ≥ 1. Default: 5.")]
        public int Seeds { get; init; } = 5;

        [CommandOption("--seed <K>")]
        [Description("behaviour-cloning: the seed of the expert and the clone. Default: 1.")]
        public int Seed { get; init; } = 1;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!Experiments.TryGetValue(settings.Name, out Action<Settings>? run))
        {
            throw new UsageException($"experiment must be {string.Join(" or ", Experiments.Keys)}, not '{settings.Name}'.");
        }

        if (settings.Seeds < 1)
        {
            throw new UsageException($"--seeds must be ≥ 1, not {settings.Seeds}.");
        }

        run(settings);
        return 0;
    }
}
